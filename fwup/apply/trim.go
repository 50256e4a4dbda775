package apply

// trimTracked is how far fwup's trim bookkeeping reaches: one bit per
// segment for the first 64 GiB. Past it, a trim() changes nothing in the
// cache, and everything reads as trimmed only when the device's end said
// so (the remainder).
const trimTracked = 64 << 30

// trimSet records which segments are trimmed: they read as zeros and
// need not be written. It follows fwup's bit vector, limits included, so
// that partly written segments past 64 GiB get the old bytes from the
// device as they do with fwup.
type trimSet struct {
	bits      []byte
	remainder bool // segments past bits are trimmed
}

func newTrimSet() *trimSet { return &trimSet{bits: make([]byte, trimTracked/SegmentSize/8)} }

func (t *trimSet) has(off int64) bool {
	ix := off / SegmentSize
	if ix/8 >= int64(len(t.bits)) {
		return t.remainder
	}
	return t.bits[ix/8]&(1<<(ix%8)) != 0
}

// clear marks the segment at off as written. Past the tracked range a
// segment stays as the remainder says: only a device whose end is
// inside the range sets the remainder, and nothing past that end can be
// written. (fwup grows its vector there instead; an archive writing at
// block 2^53 made that grow until memory ran out.)
func (t *trimSet) clear(off int64) {
	ix := off / SegmentSize
	if ix/8 >= int64(len(t.bits)) {
		return
	}
	t.bits[ix/8] &^= 1 << (ix % 8)
}

// set marks the segments [from, to) (segment-aligned byte offsets, below
// trimTracked).
func (t *trimSet) set(from, to int64) {
	for ix := from / SegmentSize; ix < to/SegmentSize && ix/8 < int64(len(t.bits)); ix++ {
		t.bits[ix/8] |= 1 << (ix % 8)
	}
}
