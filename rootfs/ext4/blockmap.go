package ext4

import (
	"encoding/binary"
	"fmt"
)

// Block maps (ext2, ext3, and ext4 files without extents): i_block holds
// 12 direct block pointers, then one single, one double and one triple
// indirect block, each indirect block a table of 32-bit pointers to the
// next level. A zero pointer is a hole, at any level.
const directBlocks = 12

// blockMap walks the block map in i_block for a file of nblocks logical
// blocks. Pointers past the end of the file are not followed.
func (f *fsys) blockMap(iblock []byte, nblocks uint64) ([]run, error) {
	le := binary.LittleEndian
	m := &mapper{f: f}
	for i := range min(uint64(directBlocks), nblocks) {
		if p := uint64(le.Uint32(iblock[4*i:])); p != 0 {
			if err := m.add(run{lblk: i, pblk: p, n: 1}); err != nil {
				return nil, err
			}
		}
	}
	per := uint64(f.sb.blockSize / 4)
	lblk, span := uint64(directBlocks), per
	for level := 1; level <= 3 && lblk < nblocks; level++ {
		if p := uint64(le.Uint32(iblock[4*(directBlocks-1+level):])); p != 0 {
			if err := m.indirect(p, level, lblk, nblocks); err != nil {
				return nil, err
			}
		}
		lblk, span = lblk+span, span*per
	}
	return m.runs, nil
}

// indirect reads the indirect block p at level (1: it points to data
// blocks) mapping the logical blocks from lblk on.
func (m *mapper) indirect(p uint64, level int, lblk, nblocks uint64) error {
	b, err := m.f.readBlock(p)
	if err != nil {
		return fmt.Errorf("indirect block (level %d) for logical block %d: %w", level, lblk, err)
	}
	span := uint64(1)
	for range level - 1 {
		span *= uint64(len(b) / 4)
	}
	for i := uint64(0); i < uint64(len(b)/4) && lblk+i*span < nblocks; i++ {
		q := uint64(binary.LittleEndian.Uint32(b[4*i:]))
		switch {
		case q == 0:
		case level == 1:
			err = m.add(run{lblk: lblk + i, pblk: q, n: 1})
		default:
			err = m.indirect(q, level-1, lblk+i*span, nblocks)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
