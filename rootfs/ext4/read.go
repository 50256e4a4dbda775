package ext4

import (
	"errors"
	"fmt"
	"io"

	"github.com/firmwright/firmwright/rootfs"
)

// ReadFile reads the ext2, ext3 or ext4 image at path (see Read).
func ReadFile(path string) (*rootfs.Tree, error) {
	return Read(rootfs.FileSource(path))
}

// Read reads the ext2/ext3/ext4 image src holds into a tree. Kept:
// uid/gid, permissions with setuid/setgid/sticky, mtimes (to the
// nanosecond where the inode has room for them), symlinks, device
// numbers, fifos, sockets, extended attributes (in the inode, in their
// own block or inode; POSIX ACLs in the form getxattr returns), and hard
// links (names sharing a regular file's inode: the first in tree order is
// the File). Contents are read on Open, from the blocks the file's extents
// or block map name: holes and uninitialized extents read as zeros without
// touching the image. The journal is not replayed: an image whose journal
// needs recovery is refused. An empty lost+found at the root, which mke2fs
// always makes, is left out. rootfs.Builder has the rules every reader
// follows.
func Read(src rootfs.Source) (*rootfs.Tree, error) {
	t, _, err := read(src, false)
	return t, err
}

// fsys is an image open for one walk.
type fsys struct {
	src  rootfs.Source
	ra   io.ReaderAt
	size int64
	sb   *superblock
	// groups caches the block group descriptors read so far.
	groups map[uint64]group
	// xattrBlocks caches xattr blocks by number: inodes may share one.
	xattrBlocks map[uint64]map[string][]byte
	// eaValues caches the values kept in inodes of their own (ea_inode),
	// which the kernel shares between files with the same value.
	eaValues map[uint32][]byte
	// budget is how many more blocks the walk may map or read. A
	// filesystem's files, directories and their metadata never use a
	// block twice, so together they fit in its block count; a damaged
	// image that maps blocks twice, or an extent tree whose nodes share
	// children, runs out of budget instead of making the walk (and the
	// memory its block lists take) grow past the image's size.
	budget uint64
	// inodeBuf and dirBuf are reused by every inode and directory block
	// read, which copy what they keep.
	inodeBuf, dirBuf []byte
}

func newFS(src rootfs.Source, ra io.ReaderAt) *fsys {
	return &fsys{src: src, ra: ra, groups: map[uint64]group{}, xattrBlocks: map[uint64]map[string][]byte{}, eaValues: map[uint32][]byte{}}
}

// read reads src, and the inode number of each path when inodes is set
// (for tests).
func read(src rootfs.Source, inodes bool) (*rootfs.Tree, map[string]uint32, error) {
	ra, c, err := src.ReaderAt()
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	f := newFS(src, ra)
	if f.size, err = rootfs.ReaderSize(ra); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	if f.size < superOffset+superSize {
		return nil, nil, fmt.Errorf("%s: not an ext2/ext3/ext4 filesystem: %d bytes, too small for a superblock", src.Name, f.size)
	}
	b := make([]byte, superSize)
	if err := f.readAt(b, superOffset); err != nil {
		return nil, nil, fmt.Errorf("%s: superblock: %w", src.Name, err)
	}
	if f.sb, err = parseSuper(b, f.size); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	f.budget = f.sb.blocks
	if f.sb.roCompat&roCompatSharedBlocks != 0 {
		// Deduplicated images (e2fsdroid) do share data blocks.
		f.budget *= 16
	}
	w := newWalker(f, inodes)
	if err := w.visit(".", rootIno, 0); err != nil {
		return nil, nil, err
	}
	t, err := w.b.Tree()
	return t, w.inos, err
}

// readAt fills b from the image at off, an end of file being the
// truncation it is.
func (f *fsys) readAt(b []byte, off int64) error {
	if off < 0 || off > f.size-int64(len(b)) {
		return fmt.Errorf("%d bytes at offset %d, past the image's %d bytes", len(b), off, f.size)
	}
	if _, err := f.ra.ReadAt(b, off); err != nil {
		return noEOF(err)
	}
	return nil
}

// readBlock reads filesystem block n, charging it to the budget.
func (f *fsys) readBlock(n uint64) ([]byte, error) {
	if n == 0 || n >= f.sb.blocks {
		return nil, fmt.Errorf("block %d is outside the filesystem's blocks 1 to %d", n, f.sb.blocks-1)
	}
	if err := f.spend(1); err != nil {
		return nil, err
	}
	b := make([]byte, f.sb.blockSize)
	if err := f.readAt(b, int64(n)*f.sb.blockSize); err != nil {
		return nil, fmt.Errorf("block %d: %w", n, err)
	}
	return b, nil
}

// spend charges n blocks to the budget.
func (f *fsys) spend(n uint64) error {
	if n > f.budget {
		return fmt.Errorf("the files and directories map more blocks than the filesystem's %d (blocks used twice, or a loop)", f.sb.blocks)
	}
	f.budget -= n
	return nil
}

// noEOF turns an end of file inside a structure into the truncation it is.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
