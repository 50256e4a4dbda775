package vcdiff

import (
	"fmt"
)

// Window indicator bits.
const (
	winSource  = 0x01 // VCD_SOURCE: copies may read a segment of the source
	winTarget  = 0x02 // VCD_TARGET: copies may read earlier output
	winAdler32 = 0x04 // xdelta3: Adler-32 of the target window follows the lengths
)

// HardMaxWindow is xdelta3's hard limit on a target window, which the
// decoder never exceeds whatever it is told.
const HardMaxWindow = 64 << 20

// window is one parsed window: where its source segment lies, how long its
// target is, and its three sections.
type window struct {
	ind            byte
	segPos, segLen uint64
	tgtLen         int
	sum            uint32
	lens           [3]int // data, instruction and address section lengths
	data, inst     section
	addr           section
}

// readWindowHeader reads a window up to its sections and checks every
// length before anything is allocated from it.
func (r *Reader) readWindowHeader(w *window) (sections int, err error) {
	p := r.p
	ind, err := p.byte()
	if err != nil {
		return 0, err
	}
	w.ind = ind
	if ind&^(winSource|winTarget|winAdler32) != 0 {
		return 0, fmt.Errorf("%w: unknown window indicator bits %#x", ErrCorrupt, ind)
	}
	if ind&winTarget != 0 {
		return 0, ErrTargetWindow
	}
	w.segPos, w.segLen = 0, 0
	if ind&winSource != 0 {
		if err := r.readSegment(w); err != nil {
			return 0, err
		}
	}
	encLen, err := p.varint()
	if err != nil {
		return 0, err
	}
	start := p.off
	lens, err := r.readLengths(w)
	if err != nil {
		return 0, err
	}
	if ind&winAdler32 != 0 {
		var b [4]byte
		if err := p.full(b[:]); err != nil {
			return 0, err
		}
		w.sum = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	return r.checkLengths(w, encLen, uint64(p.off-start), lens)
}

func (r *Reader) readSegment(w *window) error {
	var err error
	if w.segLen, err = r.p.varint(); err != nil {
		return err
	}
	if w.segPos, err = r.p.varint(); err != nil {
		return err
	}
	size := uint64(r.srcLen)
	if w.segLen > size || w.segPos > size-w.segLen {
		return fmt.Errorf("%w: segment [%d,+%d) of a %d-byte source", ErrSourceSegment, w.segPos, w.segLen, size)
	}
	return nil
}

// readLengths reads the target length, the delta indicator and the three
// section lengths.
func (r *Reader) readLengths(w *window) ([3]uint64, error) {
	var lens [3]uint64
	tgtLen, err := r.p.varint()
	if err != nil {
		return lens, err
	}
	if tgtLen > uint64(r.maxWin) {
		return lens, fmt.Errorf("%w: %d bytes, limit %d", ErrWindowTooLarge, tgtLen, r.maxWin)
	}
	w.tgtLen = int(tgtLen)
	del, err := r.p.byte()
	if err != nil {
		return lens, err
	}
	if del != 0 {
		// Compressed sections without a compressor named in the header.
		return lens, fmt.Errorf("%w: delta indicator %#x without secondary compression", ErrCorrupt, del)
	}
	for i := range lens {
		if lens[i], err = r.p.varint(); err != nil {
			return lens, err
		}
	}
	return lens, nil
}

// checkLengths holds the window to its redundant length field and caps its
// sections: no sensible encoder writes more than two bytes of sections per
// target byte (ADDs cost one, the densest copies about 1.25).
func (r *Reader) checkLengths(w *window, encLen, hdrLen uint64, lens [3]uint64) (int, error) {
	limit := 2*uint64(w.tgtLen) + 1024
	total := uint64(0)
	for _, n := range lens {
		if n > limit {
			return 0, fmt.Errorf("%w: a %d-byte section for a %d-byte window", ErrTrailingData, n, w.tgtLen)
		}
		total += n
	}
	if encLen != hdrLen+total {
		return 0, fmt.Errorf("%w: says %d bytes, its parts take %d", ErrLengthMismatch, encLen, hdrLen+total)
	}
	if total > limit || lens[0] > uint64(w.tgtLen) {
		return 0, fmt.Errorf("%w: %d bytes of sections for a %d-byte window", ErrTrailingData, total, w.tgtLen)
	}
	for i, n := range lens {
		w.lens[i] = int(n)
	}
	return int(total), nil
}
