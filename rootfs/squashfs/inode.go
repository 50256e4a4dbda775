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
	extended := xattr != noXattrs
	switch ino.kind {
	case rootfs.File:
		d := ino.data
		// As mksquashfs: files with hard links or holes get the extended
		// inode, which records them; large ones need its 64-bit fields.
		extended = extended || ino.nlink > 1 || d.sparse > 0 ||
			uint64(e.Size) > 1<<32-1 || d.start > 1<<32-1
	case rootfs.Dir:
		extended = extended || len(listing.index) > 0 || listing.size > 1<<16-1
	}
	if extended {
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

	switch typ {
	case typeDir:
		b = le.AppendUint32(b, listing.startBlock)
		b = le.AppendUint32(b, ino.nlink)
		b = le.AppendUint16(b, uint16(listing.size))
		b = le.AppendUint16(b, listing.offset)
		b = le.AppendUint32(b, mw.parentNumber(ino))
	case typeDir + extendedType:
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
	case typeFile:
		d := ino.data
		b = le.AppendUint32(b, uint32(d.start))
		b = le.AppendUint32(b, d.fragment)
		b = le.AppendUint32(b, d.fragmentOffset)
		b = le.AppendUint32(b, uint32(e.Size))
		b = appendBlockSizes(b, d.blocks)
	case typeFile + extendedType:
		d := ino.data
		sparse := d.sparse
		if sparse > 0 && sparse >= uint64(e.Size) {
			// mksquashfs never records a file as all hole.
			sparse = uint64(e.Size) - 1
		}
		b = le.AppendUint64(b, d.start)
		b = le.AppendUint64(b, uint64(e.Size))
		b = le.AppendUint64(b, sparse)
		b = le.AppendUint32(b, ino.nlink)
		b = le.AppendUint32(b, d.fragment)
		b = le.AppendUint32(b, d.fragmentOffset)
		b = le.AppendUint32(b, xattr)
		b = appendBlockSizes(b, d.blocks)
	case typeSymlink, typeSymlink + extendedType:
		b = le.AppendUint32(b, ino.nlink)
		b = le.AppendUint32(b, uint32(len(e.Link)))
		b = append(b, e.Link...)
		if extended {
			b = le.AppendUint32(b, xattr)
		}
	case typeBlockDev, typeCharDev, typeBlockDev + extendedType, typeCharDev + extendedType:
		b = le.AppendUint32(b, ino.nlink)
		// The kernel's new_encode_dev layout.
		rdev := e.DevMajor<<8 | e.DevMinor&0xff | (e.DevMinor&^0xff)<<12
		b = le.AppendUint32(b, rdev)
		if extended {
			b = le.AppendUint32(b, xattr)
		}
	case typeFIFO, typeSocket, typeFIFO + extendedType, typeSocket + extendedType:
		b = le.AppendUint32(b, ino.nlink)
		if extended {
			b = le.AppendUint32(b, xattr)
		}
	}

	ino.ref = mw.inodes.ref()
	ino.written = true
	return mw.inodes.write(b)
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
