package squashfs

import (
	"encoding/binary"
	"fmt"
)

// On-disk constants of SquashFS 4.0 (squashfs_fs.h).
const (
	magic             = 0x73717368
	versionMajor      = 4
	versionMinor      = 0
	superblockSize    = 96
	metadataBlockSize = 8192

	// metadataUncompressed marks a metadata block header whose block is
	// stored as is.
	metadataUncompressed = 1 << 15
	// dataUncompressed marks a data or fragment block size word whose
	// block is stored as is.
	dataUncompressed = 1 << 24

	noTable    = ^uint64(0) // a table the image does not have
	noFragment = ^uint32(0) // a file without a tail in a fragment block
	noXattrs   = ^uint32(0) // an inode without extended attributes

	// The image is padded to a multiple of this, as mksquashfs does, so
	// that it fills whole sectors and pages of a loop device.
	imagePadding = 4096

	minBlockSize     = 4 << 10
	maxBlockSize     = 1 << 20
	defaultBlockSize = 128 << 10

	maxNameLen    = 256       // SQUASHFS_NAME_LEN
	maxSymlinkLen = 4095      // PATH_MAX less its NUL: what symlink(2) accepts
	maxIDs        = 1<<16 - 1 // the id count is a 16-bit field
	maxDirCount   = 256       // entries under one directory header
)

// Superblock flags (SQUASHFS_MKFLAGS).
const (
	flagNoFragments       = 1 << 4
	flagAlwaysFragments   = 1 << 5
	flagDuplicates        = 1 << 6
	flagExportable        = 1 << 7
	flagCompressorOptions = 1 << 10
)

// superblock is the first 96 bytes of an image, in on-disk order. It is
// written last, because it records where the tables are and those follow
// the data.
type superblock struct {
	magic         uint32
	inodeCount    uint32
	mkfsTime      uint32
	blockSize     uint32
	fragmentCount uint32
	compression   uint16
	blockLog      uint16
	flags         uint16
	idCount       uint16
	versionMajor  uint16
	versionMinor  uint16
	rootInode     uint64
	bytesUsed     uint64

	idTableStart        uint64
	xattrIDTableStart   uint64
	inodeTableStart     uint64
	directoryTableStart uint64
	fragmentTableStart  uint64
	exportTableStart    uint64
}

func (s *superblock) marshal() []byte {
	s.magic, s.versionMajor, s.versionMinor = magic, versionMajor, versionMinor
	b, err := binary.Append(make([]byte, 0, superblockSize), binary.LittleEndian, s)
	if err != nil || len(b) != superblockSize {
		panic(fmt.Sprintf("squashfs: superblock encodes to %d bytes: %v", len(b), err))
	}
	return b
}
