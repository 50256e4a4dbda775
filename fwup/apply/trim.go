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

// grow extends the vector to hold byte i, filled as the remainder is.
func (t *trimSet) grow(i int64) {
	n := (i + 4096) &^ 4095
	fill := byte(0)
	if t.remainder {
		fill = 0xff
	}
	for int64(len(t.bits)) < n {
		t.bits = append(t.bits, fill)
	}
}

func (t *trimSet) clear(off int64) {
	ix := off / SegmentSize
	if ix/8 >= int64(len(t.bits)) {
		if !t.remainder {
			return
		}
		t.grow(ix / 8)
	}
	t.bits[ix/8] &^= 1 << (ix % 8)
}

// set marks the segments [from, to) (segment-aligned byte offsets, below
// trimTracked).
func (t *trimSet) set(from, to int64) {
	for ix := from / SegmentSize; ix < to/SegmentSize; ix++ {
		if ix/8 >= int64(len(t.bits)) {
			t.grow(ix / 8)
		}
		t.bits[ix/8] |= 1 << (ix % 8)
	}
}
