package squashfs

import "fmt"

// The superblock's counts size the tables read from it, so each is bounded
// by what the image could hold before a table is read: otherwise a small
// image that claims millions of fragments in tiny zlib blocks makes the
// reader inflate gigabytes (unsquashfs refuses such an image at once).

// checkCounts bounds the fragment count by the inode count and by the
// data area, and the export table by the image.
func (s *squashfs) checkCounts() error {
	sb := s.sb
	if sb.fragments > sb.inodes {
		return fmt.Errorf("superblock: fragments is %d, more than its %d inodes; expected at most one fragment per file", sb.fragments, sb.inodes)
	}
	// Fragment blocks are stored, at least a byte each, between the
	// superblock and the inode table.
	if room := sb.inodeTable - sqSuperblockSize; uint64(sb.fragments) > room {
		return fmt.Errorf("superblock: fragments is %d, but the %d bytes before the inode table hold at most %d fragment blocks", sb.fragments, room, room)
	}
	if sb.lookup != sqNoTable {
		// The export table's index lists a block per 1024 inodes.
		blocks := (uint64(sb.inodes)*8 + sqMetaSize - 1) / sqMetaSize
		if sb.lookup+8*blocks > sb.bytesUsed {
			return fmt.Errorf("superblock: inodes is %d, whose export table index at %d runs past the image's %d bytes", sb.inodes, sb.lookup, sb.bytesUsed)
		}
	}
	return nil
}

// tableEnd is the end of the table that starts at start: the next table
// the superblock places after it, or the end of the image.
func (s *squashfs) tableEnd(start uint64) int64 {
	end := s.sb.bytesUsed
	for _, t := range []uint64{s.sb.inodeTable, s.sb.dirTable, s.sb.fragTable, s.sb.lookup, s.sb.idTable, s.sb.xattrIDs} {
		if t > start && t < end {
			end = t
		}
	}
	return int64(end)
}

// metaLimit is how many bytes of decompressed metadata an image may make
// the reader hold: 64 times the image (metadata compresses a few times,
// and is only part of an image), and never less than 64 MiB.
func (s *squashfs) metaLimit() int64 {
	return max(64<<20, 64*int64(s.sb.bytesUsed))
}

// spend counts n more bytes of decompressed metadata against metaLimit.
func (s *squashfs) spend(pos int64, n int) error {
	if s.metaBytes += int64(n); s.metaBytes > s.metaLimit() {
		return fmt.Errorf("metadata block at %d: the metadata decompresses to more than %d bytes (64 times the image's %d bytes)", pos, s.metaLimit(), s.sb.bytesUsed)
	}
	return nil
}

// checkXattrIDs bounds the xattr id count: each id is some inode's.
func (s *squashfs) checkXattrIDs(n uint32) error {
	if n > s.sb.inodes {
		return fmt.Errorf("%d xattr ids, more than the superblock's %d inodes; expected at most one per inode", n, s.sb.inodes)
	}
	return nil
}
