package gpt

// Layout constants of fwup's GPT.
const (
	// MaxPartitions is the number of partitions fwup supports (0-15);
	// the table itself always has room for 128 entries.
	MaxPartitions = 16
	// BlockSize is the size of a block.
	BlockSize = 512
	// EntrySize is the size of one partition entry.
	EntrySize = 128
	// NumEntries is the number of entries in each copy of the table.
	NumEntries = 128
	// EntryBlocks is the number of blocks the entries take up.
	EntryBlocks = NumEntries * EntrySize / BlockSize
	// SizeBlocks is the size of one header plus its entries (33 blocks).
	SizeBlocks = 1 + EntryBlocks
	// headerSize is the size of the header proper; the CRC covers it.
	headerSize = 92
)

// Block is one 512-byte block to write at block address LBA.
type Block struct {
	LBA  uint64
	Data [BlockSize]byte
}

// Partition is one partition as fwup holds it. Offsets and counts are in
// blocks and use fwup's 32-bit arithmetic.
type Partition struct {
	BlockOffset uint32
	BlockCount  uint32
	// Flags is the 64-bit attribute field; `boot = true` sets bit 2.
	Flags uint64
	// Type and GUID are stored in GPT's mixed-endian byte order.
	Type, GUID [16]byte
	// Name is the partition name as stored: up to 36 characters, each
	// byte followed by a zero byte (fwup's ASCII to UTF-16LE).
	Name [72]byte
	// Expand grows the partition up to the backup table when the device
	// size is known.
	Expand bool
}

// Table is a parsed `gpt` section.
type Table struct {
	// DiskGUID is stored in GPT's mixed-endian byte order.
	DiskGUID [16]byte
	// Partitions holds partitions by number; nil entries are unused.
	Partitions [MaxPartitions]*Partition
}
