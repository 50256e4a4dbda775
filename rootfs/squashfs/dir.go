package squashfs

import (
	"encoding/binary"
	"fmt"

	"github.com/firmwright/firmwright/rootfs"
)

const (
	dirHeaderSize = 12
	dirEntrySize  = 8
)

// dirListing is a directory's entries as the directory table stores them,
// and where they are.
type dirListing struct {
	// startBlock and offset locate the first byte in the directory table.
	startBlock uint32
	offset     uint16
	// size is the listing's length plus 3, for the "." and ".." that the
	// kernel counts but no one stores.
	size uint32
	// index lets lookups in big directories skip to the right metadata
	// block instead of reading the listing from its start.
	index []dirIndexEntry
}

// dirIndexEntry points at a header in the listing and names its first
// entry.
type dirIndexEntry struct {
	offset     uint32 // of the header in the listing
	startBlock uint32 // directory table block holding the header
	name       string
}

// encodeListing lays out the entries of a directory, whose inodes must be
// written. Entries are grouped under headers that give the inode block
// and a base inode number; a new header starts when the inode block
// changes, after 256 entries, when the number is too far from the base
// for the 16-bit delta, and, as mksquashfs does, when the listing has
// grown by 8 KiB since the last index point, which then gets an index
// entry.
func encodeListing(children []dirent) ([]byte, []dirIndexEntry) {
	le := binary.LittleEndian
	var (
		b          []byte
		index      []dirIndexEntry
		header     = -1 // offset of the current header
		count      uint32
		block      uint32
		base       uint32
		indexPoint int
	)
	endHeader := func() {
		if header >= 0 {
			le.PutUint32(b[header:], count-1)
		}
	}
	for _, c := range children {
		ino := c.node
		entryBlock, entryOffset := uint32(ino.ref>>16), uint16(ino.ref)
		delta := int64(ino.number) - int64(base)
		grown := len(b) + dirEntrySize + len(c.name) - indexPoint
		if header < 0 || count == maxDirCount || entryBlock != block ||
			delta < -32768 || delta > 32767 || grown > metadataBlockSize {
			if header >= 0 && grown > metadataBlockSize {
				index = append(index, dirIndexEntry{offset: uint32(len(b)), name: c.name})
				indexPoint = len(b)
			}
			endHeader()
			header, count, block, base = len(b), 0, entryBlock, ino.number
			b = le.AppendUint32(b, 0) // count, filled in by endHeader
			b = le.AppendUint32(b, block)
			b = le.AppendUint32(b, base)
			delta = 0
		}
		b = le.AppendUint16(b, entryOffset)
		b = le.AppendUint16(b, uint16(int16(delta)))
		b = le.AppendUint16(b, basicType(ino.kind))
		b = le.AppendUint16(b, uint16(len(c.name)-1))
		b = append(b, c.name...)
		count++
	}
	endHeader()
	return b, index
}

// writeDir writes a directory's subtree bottom-up: the inodes of its
// entries (subdirectories first in full), then its listing, then its own
// inode, since each refers to where the others went.
func (mw *metadataWriter) writeDir(dir *inode) error {
	for _, c := range dir.children {
		switch {
		case c.node.kind == rootfs.Dir:
			if err := mw.writeDir(c.node); err != nil {
				return err
			}
		case !c.node.written:
			if err := mw.writeInode(c.node, nil); err != nil {
				return err
			}
		}
	}
	entries, index := encodeListing(dir.children)
	if int64(len(entries))+3 > 1<<32-1 {
		return fmt.Errorf("squashfs: %s: directory listing too large", dir.entry.Path)
	}
	ref, start := mw.dirs.ref(), mw.dirs.length()
	if err := mw.dirs.write(entries); err != nil {
		return err
	}
	for i := range index {
		index[i].startBlock = mw.dirs.blockStartAt(start + int64(index[i].offset))
	}
	listing := &dirListing{
		startBlock: uint32(ref >> 16),
		offset:     uint16(ref),
		size:       uint32(len(entries) + 3),
		index:      index,
	}
	return mw.writeInode(dir, listing)
}
