package ext4

import (
	"encoding/binary"
	"fmt"
)

// bgInodeUninit marks a group whose inode table was never initialized
// (lazy_itable_init): with group descriptor checksums on, no inode of it
// is in use.
const bgInodeUninit = 0x1

// group is what the reader needs of a block group descriptor.
type group struct {
	inodeTable uint64
	flags      uint16
}

// group returns block group g's descriptor, read on first use: a walk
// touches only the groups its inodes are in, and the descriptors of a
// damaged image's unused groups never matter.
func (f *fsys) group(g uint64) (group, error) {
	if gr, ok := f.groups[g]; ok {
		return gr, nil
	}
	s := f.sb
	blk, off := s.descLocation(g)
	if blk >= s.blocks {
		return group{}, fmt.Errorf("group %d: descriptor in block %d, past the filesystem's %d blocks", g, blk, s.blocks)
	}
	b := make([]byte, s.descSize)
	if err := f.readAt(b, int64(blk)*s.blockSize+off); err != nil {
		return group{}, fmt.Errorf("group %d descriptor: %w", g, err)
	}
	le := binary.LittleEndian
	gr := group{inodeTable: uint64(le.Uint32(b[0x8:])), flags: le.Uint16(b[0x12:])}
	if s.descSize >= 64 {
		gr.inodeTable |= uint64(le.Uint32(b[0x28:])) << 32
	}
	tableBlocks := (uint64(s.inodesPerGroup)*uint64(s.inodeSize) + uint64(s.blockSize) - 1) / uint64(s.blockSize)
	if gr.inodeTable == 0 || tableBlocks > s.blocks || gr.inodeTable > s.blocks-tableBlocks {
		return group{}, fmt.Errorf("group %d: inode table at block %d (%d blocks) is outside the filesystem's %d blocks", g, gr.inodeTable, tableBlocks, s.blocks)
	}
	f.groups[g] = gr
	return gr, nil
}

// descLocation is the block holding group g's descriptor and its offset
// there. Descriptors follow the superblock's block, except that with
// meta_bg those from s_first_meta_bg's block on are spread out: each
// block of them sits at the start of the first group it describes, after
// that group's superblock backup if it has one.
func (s *superblock) descLocation(g uint64) (uint64, int64) {
	perBlock := uint64(s.blockSize / s.descSize)
	idx, off := g/perBlock, int64(g%perBlock)*s.descSize
	if s.incompat&incompatMetaBG == 0 || idx < s.firstMetaBG {
		return s.firstDataBlock + 1 + idx, off
	}
	first := idx * perBlock
	blk := s.firstDataBlock + first*s.blocksPerGroup
	if s.hasSuper(first) {
		blk++
	}
	return blk, off
}
