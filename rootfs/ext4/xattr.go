package ext4

import (
	"encoding/binary"
	"fmt"
	"maps"
)

// Extended attributes live in the inode after i_extra_isize, in a block
// of their own (i_file_acl, which inodes with the same attributes share),
// and with ea_inode a value may fill an inode of its own. Both areas are
// a magic, entries of a 16-byte header and a name each, ended by four
// zero bytes, and the values they point to.
const (
	xattrMagic       = 0xEA020000
	xattrEntryHeader = 16
	xattrBlockHeader = 32
	// xattrValueMax is Linux's XATTR_SIZE_MAX: no value is larger.
	xattrValueMax = 1 << 16
	// inlineDataXattr holds an inline file's bytes past i_block; it is
	// the filesystem's, not the file's.
	inlineDataXattr = "system.data"
)

// xattrPrefixes are the names the entries' name index stands for, as
// e2fsprogs spells them. The ACLs are whole names.
var xattrPrefixes = map[uint8]string{
	1: "user.", 2: "system.posix_acl_access", 3: "system.posix_acl_default", 4: "trusted.",
	5: "lustre.", 6: "security.", 7: "system.", 8: "system.richacl", 10: "gnu.",
}

// xattrs returns an inode's extended attributes (nil when it has none)
// and, apart, its system.data.
func (f *fsys) xattrs(in *inode) (map[string][]byte, []byte, error) {
	if len(in.ibody) == 0 && in.fileACL == 0 {
		return nil, nil, nil
	}
	out := map[string][]byte{}
	if len(in.ibody) >= 4 && binary.LittleEndian.Uint32(in.ibody) == xattrMagic {
		// In the inode, value offsets count from the first entry.
		if err := f.xattrList(in.ibody[4:], in.ibody[4:], out); err != nil {
			return nil, nil, fmt.Errorf("xattrs in the inode: %w", err)
		}
	}
	if in.fileACL != 0 {
		x, err := f.xattrBlock(in.fileACL)
		if err != nil {
			return nil, nil, fmt.Errorf("xattr block %d: %w", in.fileACL, err)
		}
		maps.Copy(out, x)
	}
	data, hasData := out[inlineDataXattr]
	delete(out, inlineDataXattr)
	if len(out) == 0 {
		out = nil
	}
	if hasData && data == nil {
		data = []byte{}
	}
	return out, data, nil
}

// xattrBlock reads the attributes of xattr block n, once however many
// inodes share it.
func (f *fsys) xattrBlock(n uint64) (map[string][]byte, error) {
	if x, ok := f.xattrBlocks[n]; ok {
		return x, nil
	}
	b, err := f.readBlock(n)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	if m := le.Uint32(b[0:]); m != xattrMagic {
		return nil, fmt.Errorf("magic %#08x, expected %#08x", m, uint32(xattrMagic))
	}
	if nb := le.Uint32(b[8:]); nb != 1 {
		return nil, fmt.Errorf("spans %d blocks (only 1 exists)", nb)
	}
	// In a block, value offsets count from the block's start.
	x := map[string][]byte{}
	if err := f.xattrList(b[xattrBlockHeader:], b, x); err != nil {
		return nil, err
	}
	f.xattrBlocks[n] = x
	return x, nil
}

// xattrList reads the entries in area, whose values are in base, into out.
func (f *fsys) xattrList(area, base []byte, out map[string][]byte) error {
	le := binary.LittleEndian
	for off := 0; ; {
		if off+4 > len(area) {
			return fmt.Errorf("entries run past their area of %d bytes", len(area))
		}
		if le.Uint32(area[off:]) == 0 {
			return nil
		}
		if off+xattrEntryHeader > len(area) {
			return fmt.Errorf("entry at %d runs past the area's %d bytes", off, len(area))
		}
		e := area[off:]
		nameLen, index := int(e[0]), e[1]
		valueOff, valueIno, valueSize := int(le.Uint16(e[2:])), le.Uint32(e[4:]), int64(le.Uint32(e[8:]))
		if off+xattrEntryHeader+nameLen > len(area) {
			return fmt.Errorf("entry at %d: a %d-byte name past the area's end", off, nameLen)
		}
		prefix, ok := xattrPrefixes[index]
		if !ok {
			return fmt.Errorf("entry at %d: unknown name index %d", off, index)
		}
		name := prefix + string(e[xattrEntryHeader:xattrEntryHeader+nameLen])
		if valueSize > xattrValueMax {
			return fmt.Errorf("%s: a value of %d bytes (at most %d)", name, valueSize, xattrValueMax)
		}
		v, err := f.xattrValue(base, valueOff, valueIno, int(valueSize))
		if err == nil && (index == 2 || index == 3) {
			v, err = aclToXattr(v)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
		off += (xattrEntryHeader + nameLen + 3) &^ 3
	}
}

// xattrValue copies a value out of base, or reads it from its own inode.
func (f *fsys) xattrValue(base []byte, off int, ino uint32, size int) ([]byte, error) {
	if ino != 0 {
		return f.eaInodeValue(ino, size)
	}
	if off+size > len(base) {
		return nil, fmt.Errorf("a %d-byte value at %d past the area's %d bytes", size, off, len(base))
	}
	return append([]byte{}, base[off:off+size]...), nil
}

// eaInodeValue reads a value of size bytes kept in inode ino (ea_inode),
// once however many files share it; they share the bytes too.
func (f *fsys) eaInodeValue(ino uint32, size int) ([]byte, error) {
	if v, ok := f.eaValues[ino]; ok {
		if len(v) != size {
			return nil, fmt.Errorf("value inode %d holds %d bytes, not %d", ino, len(v), size)
		}
		return v, nil
	}
	if f.sb.incompat&incompatEAInode == 0 {
		return nil, fmt.Errorf("value in inode %d, but the filesystem lacks the ea_inode feature", ino)
	}
	in, err := f.readInode(ino)
	if err != nil {
		return nil, fmt.Errorf("value inode %d: %w", ino, err)
	}
	if in.flags&flagEAInode == 0 || in.size != uint64(size) {
		return nil, fmt.Errorf("inode %d is not an xattr value inode of %d bytes", ino, size)
	}
	v, err := f.readSmall(in, size)
	if err != nil {
		return nil, fmt.Errorf("value inode %d: %w", ino, err)
	}
	f.eaValues[ino] = v
	return v, nil
}
