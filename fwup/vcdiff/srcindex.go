package vcdiff

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
)

// hashLen is how many bytes a source index entry covers: long enough that
// a hit is rarely a coincidence, short enough that the copies between two
// nearby edits are still found.
const hashLen = 16

// maxIndexSlots caps the index at 64 MiB whatever the source size; larger
// sources are sampled more sparsely instead.
const (
	maxIndexBits = 24
	blockBits    = 23           // an entry keeps its block number in the low 23 bits,
	repeated     = 1 << 23      // a flag for bytes seen more than once,
	checkShift   = 24           // and 8 bits of its hash above them
	blockMask    = repeated - 1 //
	minIndexStep = 8
)

// sourceIndex maps the hash of hashLen bytes at every step-th source
// offset to that offset. It is the encoder's only whole-source structure:
// a slot is 4 bytes (a block number, 8 bits of hash to reject most false
// hits without reading the source, and a flag saying the same bytes, as
// far as the hash can tell, occur more than once), and there are at most
// 2^24 slots.
type sourceIndex struct {
	step  int64
	shift uint // 64 - log2(slots)
	slots []uint32
}

func hash16(b []byte) uint64 {
	x := binary.LittleEndian.Uint64(b)
	y := binary.LittleEndian.Uint64(b[8:])
	return (x*0x9e3779b97f4a7c15 ^ bits.RotateLeft64(y*0xc2b2ae3d27d4eb4f, 29)) * 0xff51afd7ed558ccd
}

func newSourceIndex(srcLen int64) *sourceIndex { return newSourceIndexStep(srcLen, minIndexStep) }

// newSourceIndexStep sizes an index for srcLen bytes with at least step
// bytes between entries.
func newSourceIndexStep(srcLen, step int64) *sourceIndex {
	// A power of two, so that the matcher's odd skips meet every alignment.
	for srcLen/step >= blockMask-1 {
		step *= 2
	}
	entries := srcLen / step
	b := 10
	for b < maxIndexBits && int64(1)<<b < 2*entries {
		b++
	}
	return &sourceIndex{step: step, shift: uint(64 - b), slots: make([]uint32, 1<<b)}
}

// key splits a hash into its slot and the check byte kept in the entry.
func (x *sourceIndex) key(h uint64) (slot uint64, check uint32) {
	return h >> x.shift, uint32(h>>(x.shift-8)) & 0xff
}

// addChunk indexes the entries of b, which holds the source from off on;
// only offsets that are multiples of step and whose hashLen bytes lie in b
// are taken, so chunks must overlap by hashLen-1 bytes.
func (x *sourceIndex) addChunk(b []byte, off int64) {
	first := (off + x.step - 1) / x.step * x.step
	end := off + int64(len(b)) - hashLen // last offset whose bytes are in b
	// Hash a batch before touching the table, so that the table's cache
	// misses (it is far larger than the cache) overlap instead of queueing
	// behind one another.
	const batch = 32
	var slots [batch]uint64
	var entries [batch]uint32
	for p := first; p <= end; {
		n := 0
		for ; n < batch && p <= end; n, p = n+1, p+x.step {
			slot, check := x.key(hash16(b[p-off:]))
			slots[n], entries[n] = slot, check<<checkShift|uint32(p/x.step+1)
		}
		for i := range n {
			e := entries[i]
			old := x.slots[slots[i]]
			if old != 0 && old>>checkShift == e>>checkShift {
				e |= repeated
			}
			x.slots[slots[i]] = e
		}
	}
}

// lookup returns the source offset indexed under the hash of the hashLen
// bytes at b, or -1; the last occurrence when there are several.
func (x *sourceIndex) lookup(b []byte) int64 {
	a, _ := x.find(b)
	return a
}

// lookupUnique is lookup for bytes the source has once only: where they
// are says where the target is.
func (x *sourceIndex) lookupUnique(b []byte) int64 {
	if a, rep := x.find(b); !rep {
		return a
	}
	return -1
}

func (x *sourceIndex) find(b []byte) (int64, bool) {
	slot, check := x.key(hash16(b))
	e := x.slots[slot]
	if e == 0 || e>>checkShift != check {
		return -1, false
	}
	return int64(e&blockMask-1) * x.step, e&repeated != 0
}

// indexSource builds the index by reading the source in chunks, holding
// one chunk at a time.
func indexSource(src io.ReaderAt, srcLen int64) (*sourceIndex, error) {
	x := newSourceIndex(srcLen)
	const chunk = 1 << 20
	buf := make([]byte, chunk+hashLen-1)
	for off := int64(0); off < srcLen; off += chunk {
		n := min(int64(len(buf)), srcLen-off)
		if err := readFullAt(src, buf[:n], off); err != nil {
			return nil, err
		}
		x.addChunk(buf[:n], off)
	}
	return x, nil
}

func readFullAt(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("vcdiff: reading the source at %d: %w", off+int64(n), err)
}
