package ext4

import (
	"encoding/binary"
	"fmt"
)

// The extent tree: a header then entries of 12 bytes each, in i_block
// (the root) and in blocks of their own. Leaves (depth 0) hold extents,
// other nodes index the child nodes by their first logical block.
const (
	extentMagic    = 0xF30A
	extentEntry    = 12
	maxExtentDepth = 5 // the kernel's EXT4_MAX_EXTENT_DEPTH
	// An extent longer than this is uninitialized, and this much longer
	// than its length.
	maxInitExtent = 32768
)

// extents walks the extent tree whose root is in i_block.
func (f *fsys) extents(root []byte) ([]run, error) {
	m := &mapper{f: f}
	if err := m.node(root, -1, 0, 1<<32); err != nil {
		return nil, err
	}
	return m.runs, nil
}

// node reads one node whose entries lie in logical blocks [lo, hi) and
// whose depth is depth (any, for the root). Each level below must be
// exactly one less deep, so a node pointing back to an ancestor fails, and
// the logical blocks must increase throughout, so a subtree reached twice
// fails too: the walk ends after at most maxExtentDepth levels and never
// visits a node twice.
func (m *mapper) node(b []byte, depth int, lo, hi uint64) error {
	le := binary.LittleEndian
	if len(b) < extentEntry {
		return fmt.Errorf("extent node of %d bytes", len(b))
	}
	magic, entries, max, d := le.Uint16(b[0:]), int(le.Uint16(b[2:])), int(le.Uint16(b[4:])), int(le.Uint16(b[6:]))
	switch {
	case magic != extentMagic:
		return fmt.Errorf("extent header magic %#04x, expected %#04x", magic, extentMagic)
	case d > maxExtentDepth:
		return fmt.Errorf("extent tree %d levels deep (at most %d)", d, maxExtentDepth)
	case depth >= 0 && d != depth:
		return fmt.Errorf("extent node of depth %d where %d was expected (a loop or a damaged tree)", d, depth)
	case entries > max || extentEntry*(1+max) > len(b):
		return fmt.Errorf("extent node with %d of %d entries does not fit its %d bytes", entries, max, len(b))
	}
	for i := range entries {
		e := b[extentEntry*(1+i):]
		start := uint64(le.Uint32(e[0:]))
		if start < lo || start >= hi {
			return fmt.Errorf("extent entry for logical block %d outside its node's range %d to %d", start, lo, hi-1)
		}
		if d == 0 {
			if err := m.leaf(e, start, hi); err != nil {
				return err
			}
			continue
		}
		end := hi
		if i+1 < entries {
			if end = uint64(le.Uint32(b[extentEntry*(2+i):])); end <= start {
				return fmt.Errorf("extent index entries out of order (%d, then %d)", start, end)
			}
		}
		child, err := m.f.readBlock(uint64(le.Uint32(e[4:])) | uint64(le.Uint16(e[8:]))<<32)
		if err != nil {
			return fmt.Errorf("extent node: %w", err)
		}
		if err := m.node(child, d-1, start, end); err != nil {
			return err
		}
	}
	return nil
}

// leaf adds the extent e, which starts at logical block start and must
// end by hi.
func (m *mapper) leaf(e []byte, start, hi uint64) error {
	le := binary.LittleEndian
	n, zero := uint64(le.Uint16(e[4:])), false
	if n > maxInitExtent {
		n, zero = n-maxInitExtent, true
	}
	if start+n > hi {
		return fmt.Errorf("extent of logical blocks %d to %d runs past its node's range, which ends at %d", start, start+n-1, hi-1)
	}
	pblk := uint64(le.Uint32(e[8:])) | uint64(le.Uint16(e[6:]))<<32
	return m.add(run{lblk: start, pblk: pblk, n: n, zero: zero})
}
