package ext4

import (
	"encoding/binary"
	"fmt"
)

// symlink returns a symlink's target: in i_block when short (a fast
// symlink), inline with inline_data, or else in the symlink's first block.
func (f *fsys) symlink(in *inode, inline []byte) (string, error) {
	if in.size == 0 || in.size > uint64(min(f.sb.blockSize, maxPath)) {
		return "", fmt.Errorf("symlink target of %d bytes (1 to %d expected)", in.size, min(f.sb.blockSize, maxPath))
	}
	if in.flags&flagInlineData != 0 {
		b, err := f.inlineBytes(in, inline)
		return string(b), err
	}
	// A fast symlink owns no block (but may have an xattr block): the
	// kernel's test, which also holds for old images whose short targets
	// were written to a block.
	if in.size < iBlockSize && in.sectors == f.xattrBlockSectors(in) {
		return string(in.block[:in.size]), nil
	}
	b, err := f.readSmall(in, int(in.size))
	return string(b), err
}

// device returns a device's numbers. The old encoding (8-bit major and
// minor) is in i_block[0] when it is nonzero; otherwise the new one, which
// the kernel's new_encode_dev made (12-bit major, 20-bit minor, the
// minor's low byte lowest), is in i_block[1].
func device(in *inode) (major, minor uint32) {
	le := binary.LittleEndian
	if old := le.Uint32(in.block[0:]); old != 0 {
		return old >> 8 & 0xff, old & 0xff
	}
	dev := le.Uint32(in.block[4:])
	return dev & 0xfff00 >> 8, dev&0xff | dev>>12&0xfff00
}
