package mbr

// Limits of fwup's MBR support.
const (
	// MaxPrimary is the number of entries in the MBR itself.
	MaxPrimary = 4
	// MaxLogical is the number of logical partitions fwup supports.
	MaxLogical = 8
	// MaxPartitions is the number of partition numbers (0 to 11) a config
	// may use; 4 and up are logical partitions inside partition 3.
	MaxPartitions = MaxPrimary + MaxLogical

	// BlockSize is the size of an MBR, an EBR and of fwup's blocks.
	BlockSize = 512
	// BootstrapSize is the length of the boot code at the start of the MBR.
	BootstrapSize = 440
)

// Block is one 512-byte block to write at block address LBA.
type Block struct {
	LBA  uint64
	Data [BlockSize]byte
}

// Partition is one partition as fwup holds it. Offsets and counts are in
// 512-byte blocks and use fwup's 32-bit arithmetic.
type Partition struct {
	// Type is the partition type byte; 0 means unused, 0x05 and 0x0F mark
	// the extended partition (only partition 3 may be one). It is an int
	// as in fwup, which rejects values outside 0-255.
	Type int
	// Boot sets the active flag (0x80). Logical partitions never get it.
	Boot bool
	// Expand grows the partition to the end of the device when its size is
	// known. The extended partition always expands.
	Expand      bool
	BlockOffset uint32
	BlockCount  uint32
	// RecordOffset is the block address of the EBR that describes a
	// logical partition: the extended partition's start plus the logical
	// partition's position. It is 0 for primary partitions and, as in
	// fwup, for logical partitions numbered after an unused one.
	RecordOffset uint32
}

// Table is a parsed `mbr` section, or a decoded MBR.
type Table struct {
	// Partitions holds partitions 0-3 (primary) and 4-11 (logical), by
	// number. Numbers the config did not use are zero.
	Partitions [MaxPartitions]Partition
	// LogicalCount is how many logical partitions get an EBR. fwup sets it
	// from the number of the last logical partition listed in the config
	// (number - 3), not from the highest number.
	LogicalCount int
	// Signature is the disk signature stored at byte 440.
	Signature uint32
	// BootstrapCode is the 440-byte boot code as 880 hex digits, or "" for
	// none (zeros). It stays hex, as in the config, because fwup checks
	// only its length when creating an archive and its digits when writing.
	BootstrapCode string
	// OSIP is the Intel Edison OS image profile header written instead of
	// boot code, or nil.
	OSIP *OSIP
}

// OSIP is an Intel OS Image Profile header (used by the Intel Edison),
// which fwup writes over the start of the MBR.
type OSIP struct {
	Major, Minor uint8
	NumPointers  uint8
	// Images holds the OS image identifiers by number; their count is the
	// highest number used plus one, so numbers left out are all zero.
	Images []OSII
}

// OSII is one OS image identifier of an OSIP header.
type OSII struct {
	OSMajor, OSMinor uint16
	// StartBlockOffset and ImageSize are in blocks of the medium.
	StartBlockOffset uint32
	DDRLoadAddress   uint32
	EntryPoint       uint32
	ImageSize        uint32
	Attribute        uint8
}

// isExtendedType reports whether t is an extended partition type.
func isExtendedType(t int) bool { return t == 0x05 || t == 0x0f }
