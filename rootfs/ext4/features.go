package ext4

import (
	"fmt"
	"strings"
)

// Feature bits of the superblock. Compatible features change nothing for
// a reader; read-only compatible ones matter only to writers, except the
// few named here; incompatible ones change the format, so an unknown one
// means the image cannot be read correctly.
const (
	compatSparseSuper2 = 0x200

	roCompatSparseSuper  = 0x1
	roCompatHugeFile     = 0x8
	roCompatGDTCsum      = 0x10
	roCompatBigalloc     = 0x200
	roCompatMetadataCsum = 0x400
	roCompatSharedBlocks = 0x4000

	incompatCompression = 0x1
	incompatFiletype    = 0x2
	incompatRecover     = 0x4
	incompatJournalDev  = 0x8
	incompatMetaBG      = 0x10
	incompatExtents     = 0x40
	incompat64bit       = 0x80
	incompatMMP         = 0x100
	incompatFlexBG      = 0x200
	incompatEAInode     = 0x400
	incompatDirData     = 0x1000
	incompatCsumSeed    = 0x2000
	incompatLargeDir    = 0x4000
	incompatInlineData  = 0x8000
	incompatEncrypt     = 0x10000
	incompatCasefold    = 0x20000
)

// incompatSupported are the incompatible features this reader handles.
// needs_recovery is among them only to be refused with its own message;
// encrypt is accepted because it only marks that some inodes may be
// encrypted, and those are refused one by one. mmp guards against two
// writers; a reader can ignore it. casefold changes how names hash, and
// directories are read linearly here, not by hash.
const incompatSupported = incompatFiletype | incompatRecover | incompatMetaBG | incompatExtents |
	incompat64bit | incompatMMP | incompatFlexBG | incompatEAInode | incompatCsumSeed |
	incompatLargeDir | incompatInlineData | incompatEncrypt | incompatCasefold

// incompatNames are e2fsprogs' names for the incompatible features, so
// that a refusal names what mke2fs -O would.
var incompatNames = map[uint32]string{
	incompatCompression: "compression", incompatFiletype: "filetype", incompatRecover: "needs_recovery",
	incompatJournalDev: "journal_dev", incompatMetaBG: "meta_bg", incompatExtents: "extent",
	incompat64bit: "64bit", incompatMMP: "mmp", incompatFlexBG: "flex_bg", incompatEAInode: "ea_inode",
	incompatDirData: "dirdata", incompatCsumSeed: "metadata_csum_seed", incompatLargeDir: "large_dir",
	incompatInlineData: "inline_data", incompatEncrypt: "encrypt", incompatCasefold: "casefold",
}

// checkFeatures refuses an image this reader cannot read correctly.
func checkFeatures(incompat uint32) error {
	if incompat&incompatJournalDev != 0 {
		return fmt.Errorf("an external journal device (journal_dev), not a filesystem")
	}
	if unsupported := incompat &^ incompatSupported; unsupported != 0 {
		return fmt.Errorf("uses incompatible features this reader does not support: %s", featureNames(unsupported))
	}
	if incompat&incompatRecover != 0 {
		// The metadata in place may be stale: the journal holds newer
		// copies that only a replay applies.
		return fmt.Errorf("the journal needs recovery (needs_recovery is set: copied from a mounted or crashed filesystem); run e2fsck -fy on it first")
	}
	return nil
}

// featureNames lists the incompatible features in bits by name, unknown
// ones as hexadecimal bits.
func featureNames(bits uint32) string {
	var names []string
	for bit := uint32(1); bit != 0; bit <<= 1 {
		if bits&bit == 0 {
			continue
		}
		if n, ok := incompatNames[bit]; ok {
			names = append(names, n)
		} else {
			names = append(names, fmt.Sprintf("unknown %#x", bit))
		}
	}
	return strings.Join(names, ", ")
}
