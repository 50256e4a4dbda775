package squashfs

import (
	"encoding/binary"
	"fmt"

	"github.com/firmwright/firmwright/rootfs"
)

// Inode types. Each basic type has an extended form, 7 higher, with room
// for extended attributes and, for files and directories, larger sizes,
// a link count or a directory index.
const (
	typeDir      = 1
	typeFile     = 2
	typeSymlink  = 3
	typeBlockDev = 4
	typeCharDev  = 5
	typeFIFO     = 6
	typeSocket   = 7
	extendedType = 7
)

// basicType is the inode type of a kind, which directory entries record.
func basicType(k rootfs.Kind) uint16 {
	switch k {
	case rootfs.Dir:
		return typeDir
	case rootfs.File:
		return typeFile
	case rootfs.Symlink:
		return typeSymlink
	case rootfs.BlockDevice:
		return typeBlockDev
	case rootfs.CharDevice:
		return typeCharDev
	case rootfs.FIFO:
		return typeFIFO
	case rootfs.Socket:
		return typeSocket
	}
	panic(fmt.Sprintf("squashfs: no inode type for %v", k))
}

// metadataWriter writes the inode and directory tables, and collects the
// ids and extended attributes inodes refer to.
type metadataWriter struct {
	inodes *metadataStream
	dirs   *metadataStream
	ids    idTable
	xattrs *xattrTable
}

func newMetadataWriter(comp compressor) *metadataWriter {
	return &metadataWriter{
		inodes: newMetadataStream(comp),
		dirs:   newMetadataStream(comp),
		xattrs: newXattrTable(comp),
	}
}

// writeInode appends ino to the inode table. listing is where a
// directory's entries are.
func (mw *metadataWriter) writeInode(ino *inode, listing *dirListing) error {
	e := ino.entry
	uid, err := mw.ids.lookup(e.UID)
	if err != nil {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	gid, err := mw.ids.lookup(e.GID)
	if err != nil {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	xattr, err := mw.xattrs.add(e.Xattrs)
	if err != nil {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	typ := basicType(ino.kind)
	if needsExtended(ino, listing, xattr) {
		typ += extendedType
	}
	le := binary.LittleEndian
	b := make([]byte, 0, 64)
	b = le.AppendUint16(b, typ)
	b = le.AppendUint16(b, ino.mode)
	b = le.AppendUint16(b, uid)
	b = le.AppendUint16(b, gid)
	b = le.AppendUint32(b, ino.mtime)
	b = le.AppendUint32(b, ino.number)
	switch ino.kind {
	case rootfs.Dir:
		b = mw.appendDir(b, typ, ino, listing, xattr)
	case rootfs.File:
		b = appendFile(b, typ, ino, xattr)
	default:
		b = appendSpecial(b, typ, ino, xattr)
	}
	ino.ref = mw.inodes.ref()
	ino.written = true
	return mw.inodes.write(b)
}

// needsExtended says whether the inode needs its type's extended form, as
// mksquashfs decides: xattrs; files with hard links, holes or 64-bit
// sizes; directories with an index or a large listing.
func needsExtended(ino *inode, listing *dirListing, xattr uint32) bool {
	if xattr != noXattrs {
		return true
	}
	switch ino.kind {
	case rootfs.File:
		d := ino.data
		return ino.nlink > 1 || d.sparse > 0 || uint64(ino.entry.Size) > 1<<32-1 || d.start > 1<<32-1
	case rootfs.Dir:
		return len(listing.index) > 0 || listing.size > 1<<16-1
	}
	return false
}

func (mw *metadataWriter) appendDir(b []byte, typ uint16, ino *inode, listing *dirListing, xattr uint32) []byte {
	le := binary.LittleEndian
	if typ == typeDir {
		b = le.AppendUint32(b, listing.startBlock)
		b = le.AppendUint32(b, ino.nlink)
		b = le.AppendUint16(b, uint16(listing.size))
		b = le.AppendUint16(b, listing.offset)
		return le.AppendUint32(b, mw.parentNumber(ino))
	}
	b = le.AppendUint32(b, ino.nlink)
	b = le.AppendUint32(b, listing.size)
	b = le.AppendUint32(b, listing.startBlock)
	b = le.AppendUint32(b, mw.parentNumber(ino))
	b = le.AppendUint16(b, uint16(len(listing.index)))
	b = le.AppendUint16(b, listing.offset)
	b = le.AppendUint32(b, xattr)
	for _, ix := range listing.index {
		b = le.AppendUint32(b, ix.offset)
		b = le.AppendUint32(b, ix.startBlock)
		b = le.AppendUint32(b, uint32(len(ix.name)-1))
		b = append(b, ix.name...)
	}
	return b
}

func appendFile(b []byte, typ uint16, ino *inode, xattr uint32) []byte {
	le := binary.LittleEndian
	d, size := ino.data, ino.entry.Size
	if typ == typeFile {
		b = le.AppendUint32(b, uint32(d.start))
		b = le.AppendUint32(b, d.fragment)
		b = le.AppendUint32(b, d.fragmentOffset)
		b = le.AppendUint32(b, uint32(size))
		return appendBlockSizes(b, d.blocks)
	}
	sparse := d.sparse
	if sparse > 0 && sparse >= uint64(size) {
		// mksquashfs never records a file as all hole.
		sparse = uint64(size) - 1
	}
	b = le.AppendUint64(b, d.start)
	b = le.AppendUint64(b, uint64(size))
	b = le.AppendUint64(b, sparse)
	b = le.AppendUint32(b, ino.nlink)
	b = le.AppendUint32(b, d.fragment)
	b = le.AppendUint32(b, d.fragmentOffset)
	b = le.AppendUint32(b, xattr)
	return appendBlockSizes(b, d.blocks)
}

// appendSpecial writes a symlink's, device's, fifo's or socket's inode;
// the extended forms end with the xattr index.
func appendSpecial(b []byte, typ uint16, ino *inode, xattr uint32) []byte {
	le := binary.LittleEndian
	e := ino.entry
	b = le.AppendUint32(b, ino.nlink)
	switch ino.kind {
	case rootfs.Symlink:
		b = le.AppendUint32(b, uint32(len(e.Link)))
		b = append(b, e.Link...)
	case rootfs.BlockDevice, rootfs.CharDevice:
		// The kernel's new_encode_dev layout.
		b = le.AppendUint32(b, e.DevMajor<<8|e.DevMinor&0xff|(e.DevMinor&^0xff)<<12)
	}
	if typ > extendedType { // the extended types are the basic ones plus 7
		b = le.AppendUint32(b, xattr)
	}
	return b
}

func appendBlockSizes(b []byte, blocks []uint32) []byte {
	for _, w := range blocks {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	return b
}

// parentNumber is the inode number of a directory's parent; the root's
// is one past the last inode, as mksquashfs writes it.
func (mw *metadataWriter) parentNumber(dir *inode) uint32 {
	if dir.parent == nil {
		return dir.number + 1
	}
	return dir.parent.number
}

// exportTable lists every inode's reference by inode number, which is
// what NFS export needs to find an inode from a file handle.
func exportTable(inodes []*inode) []byte {
	b := make([]byte, 0, 8*len(inodes))
	for _, ino := range inodes {
		b = binary.LittleEndian.AppendUint64(b, ino.ref)
	}
	return b
}
