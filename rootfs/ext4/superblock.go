package ext4

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// Where the superblock is and the fields the reader takes from it.
const (
	superOffset = 1024
	superSize   = 1024
	magicOffset = superOffset + 0x38
	extMagic    = 0xEF53
	// HeadSize is how many bytes from the start of an image IsExt needs.
	HeadSize = magicOffset + 2

	goodOldInodeSize = 128
	maxLogBlockSize  = 6 // 64 KiB blocks, the largest the kernel mounts
	rootIno          = 2
)

// superblock is what the reader keeps of the superblock, checked.
type superblock struct {
	inodes         uint32
	blocks         uint64
	firstDataBlock uint64
	blockSize      int64
	clusterSize    int64 // bigalloc's allocation unit; the block size without it
	blocksPerGroup uint64
	inodesPerGroup uint32
	inodeSize      int64
	descSize       int64
	firstMetaBG    uint64
	groups         uint64
	backupBGs      [2]uint64
	compat         uint32
	incompat       uint32
	roCompat       uint32
}

// IsExt tells whether head, the first HeadSize bytes of an image or more,
// holds an ext2/ext3/ext4 superblock magic. Callers detect the format by
// its magic, not by the file's name.
func IsExt(head []byte) bool {
	return len(head) >= HeadSize && binary.LittleEndian.Uint16(head[magicOffset:]) == extMagic
}

// parseSuper checks the superblock b of an image of size bytes. What it
// accepts bounds every later read: the filesystem fits the image, the
// group descriptors fit the filesystem, and the inode count fits the
// groups.
func parseSuper(b []byte, size int64) (*superblock, error) {
	le := binary.LittleEndian
	if m := le.Uint16(b[0x38:]); m != extMagic {
		return nil, fmt.Errorf("not an ext2/ext3/ext4 filesystem (magic %#04x at offset %d, expected %#04x)", m, magicOffset, extMagic)
	}
	s := &superblock{
		inodes: le.Uint32(b[0x0:]), blocks: uint64(le.Uint32(b[0x4:])),
		firstDataBlock: uint64(le.Uint32(b[0x14:])), blocksPerGroup: uint64(le.Uint32(b[0x20:])),
		inodesPerGroup: le.Uint32(b[0x28:]), compat: le.Uint32(b[0x5C:]), incompat: le.Uint32(b[0x60:]),
		roCompat: le.Uint32(b[0x64:]), firstMetaBG: uint64(le.Uint32(b[0x104:])),
		backupBGs: [2]uint64{uint64(le.Uint32(b[0x24C:])), uint64(le.Uint32(b[0x250:]))},
		inodeSize: goodOldInodeSize, descSize: 32,
	}
	if err := checkSuperChecksum(b, s.roCompat); err != nil {
		return nil, err
	}
	if err := checkFeatures(s.incompat); err != nil {
		return nil, err
	}
	rev := le.Uint32(b[0x4C:])
	switch rev {
	case 0:
	case 1:
		s.inodeSize = int64(le.Uint16(b[0x58:]))
	default:
		return nil, fmt.Errorf("superblock: revision %d (this reader knows 0 and 1)", rev)
	}
	logBS := le.Uint32(b[0x18:])
	if logBS > maxLogBlockSize {
		return nil, fmt.Errorf("superblock: block size 2^(10+%d) out of range (1 KiB to 64 KiB)", logBS)
	}
	s.blockSize, s.clusterSize = 1024<<logBS, 1024<<logBS
	if logCS := le.Uint32(b[0x1C:]); s.roCompat&roCompatBigalloc != 0 {
		if logCS < logBS || logCS > 30 {
			return nil, fmt.Errorf("superblock: cluster size 2^(10+%d) below the block size or too large", logCS)
		}
		s.clusterSize = 1024 << logCS
	}
	if s.incompat&incompat64bit != 0 {
		s.blocks |= uint64(le.Uint32(b[0x150:])) << 32
		s.descSize = int64(le.Uint16(b[0xFE:]))
	}
	if err := s.checkGeometry(size); err != nil {
		return nil, fmt.Errorf("superblock: %w", err)
	}
	return s, nil
}

// checkSuperChecksum verifies the superblock's crc32c when metadata_csum
// is on: a mismatch means damage, and every field would be suspect.
func checkSuperChecksum(b []byte, roCompat uint32) error {
	if roCompat&roCompatMetadataCsum == 0 {
		return nil
	}
	if t := b[0x175]; t != 1 {
		return fmt.Errorf("superblock: checksum type %d (only 1, crc32c, exists)", t)
	}
	want := binary.LittleEndian.Uint32(b[superSize-4:])
	if got := superChecksum(b); got != want {
		return fmt.Errorf("superblock: checksum %#08x, but its contents sum to %#08x (damaged)", want, got)
	}
	return nil
}

// superChecksum is the crc32c that metadata_csum stores at the end of the
// superblock. ext4 keeps the CRC register without the final inversion
// that crc32.Checksum applies, hence the complement.
func superChecksum(b []byte) uint32 {
	return ^crc32.Checksum(b[:superSize-4], crc32.MakeTable(crc32.Castagnoli))
}

// checkGeometry checks the sizes and counts against each other and
// against the image's size in bytes.
func (s *superblock) checkGeometry(size int64) error {
	bs := uint64(s.blockSize)
	if s.inodeSize < goodOldInodeSize || s.inodeSize > s.blockSize || s.inodeSize&(s.inodeSize-1) != 0 {
		return fmt.Errorf("inode size %d is not a power of two from %d to the block size %d", s.inodeSize, goodOldInodeSize, s.blockSize)
	}
	if s.blocks == 0 || s.blocks > uint64(size)/bs {
		return fmt.Errorf("the filesystem has %d blocks of %d bytes, but the image only %d bytes (truncated?)", s.blocks, bs, size)
	}
	if s.firstDataBlock > 1 || s.firstDataBlock >= s.blocks {
		return fmt.Errorf("first data block %d (0 or 1 expected, below %d blocks)", s.firstDataBlock, s.blocks)
	}
	if s.blocksPerGroup == 0 || (s.roCompat&roCompatBigalloc == 0 && s.blocksPerGroup > 8*bs) {
		return fmt.Errorf("%d blocks per group (1 to %d expected)", s.blocksPerGroup, 8*bs)
	}
	if s.inodesPerGroup == 0 || uint64(s.inodesPerGroup) > 8*bs {
		return fmt.Errorf("%d inodes per group (1 to %d expected)", s.inodesPerGroup, 8*bs)
	}
	s.groups = (s.blocks - s.firstDataBlock + s.blocksPerGroup - 1) / s.blocksPerGroup
	if s.inodes < rootIno || uint64(s.inodes) > s.groups*uint64(s.inodesPerGroup) {
		return fmt.Errorf("%d inodes, but %d groups of %d hold %d", s.inodes, s.groups, s.inodesPerGroup, s.groups*uint64(s.inodesPerGroup))
	}
	if s.incompat&incompat64bit != 0 && (s.descSize < 64 || s.descSize > 1024 || s.descSize&(s.descSize-1) != 0) {
		return fmt.Errorf("group descriptor size %d (a power of two from 64 to 1024 expected with 64bit)", s.descSize)
	}
	gdtBlocks := (s.groups*uint64(s.descSize) + bs - 1) / bs
	if s.incompat&incompatMetaBG != 0 {
		gdtBlocks = min(gdtBlocks, s.firstMetaBG)
	}
	if s.firstDataBlock+1+gdtBlocks > s.blocks {
		return fmt.Errorf("the group descriptors of %d groups do not fit in %d blocks", s.groups, s.blocks)
	}
	return nil
}

// hasSuper tells whether group g holds a superblock backup, and so
// whether its first block is taken before a meta_bg descriptor block.
func (s *superblock) hasSuper(g uint64) bool {
	switch {
	case g == 0:
		return true
	case s.compat&compatSparseSuper2 != 0:
		return g == s.backupBGs[0] || g == s.backupBGs[1]
	case s.roCompat&roCompatSparseSuper == 0:
		return true
	}
	return g == 1 || isPower(g, 3) || isPower(g, 5) || isPower(g, 7)
}

func isPower(n, base uint64) bool {
	for n%base == 0 && n > 1 {
		n /= base
	}
	return n == 1
}
