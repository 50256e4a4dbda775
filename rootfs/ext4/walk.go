package ext4

import (
	"fmt"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/rootfs"
)

// Limits on the tree's shape. Real root filesystems are far within them;
// a damaged image could otherwise nest directories until the paths alone
// took memory quadratic in the image's size.
const (
	maxDepth = 512
	// maxPath is Linux's PATH_MAX.
	maxPath = 4096
	// lostFound is made by mke2fs in every filesystem, for e2fsck.
	lostFound = "lost+found"
)

// walker turns the directory tree into entries, depth first with each
// directory's entries by name: that is tree order, so the first name of a
// hard-linked file it meets is the one that becomes the File.
type walker struct {
	f *fsys
	b *rootfs.Builder
	// files maps a regular file's inode to its File's path.
	files map[uint32]string
	// dirs maps each directory inode visited to its path: a directory
	// reached twice is a loop (or a hard-linked directory).
	dirs map[uint32]string
	// inos records each path's inode number, for tests; nil otherwise.
	inos map[string]uint32
}

func newWalker(f *fsys, inodes bool) *walker {
	w := &walker{f: f, b: rootfs.NewBuilder(f.src.Name), files: map[uint32]string{}, dirs: map[uint32]string{}}
	if inodes {
		w.inos = map[string]uint32{}
	}
	return w
}

// visit adds the entry for path p, whose inode is ino, and what is below.
func (w *walker) visit(p string, ino uint32, depth int) error {
	if w.inos != nil {
		w.inos[p] = ino
	}
	if first, ok := w.files[ino]; ok {
		w.b.Add(&rootfs.Entry{Path: p, Kind: rootfs.Hardlink, Link: first})
		return nil
	}
	in, err := w.f.readInode(ino)
	if err != nil {
		return w.b.Errorf(p, "inode %d: %v", ino, err)
	}
	e, inline, err := w.entry(p, in)
	if err != nil {
		return w.b.Errorf(p, "inode %d: %v", ino, err)
	}
	if p == "." && e.Kind != rootfs.Dir {
		return w.b.Errorf(p, "the root inode %d is a %s, not a directory", ino, e.Kind)
	}
	if e.Kind == rootfs.Dir {
		return w.dir(e, in, inline, depth)
	}
	if e.Kind == rootfs.File {
		w.files[ino] = p
	}
	w.b.Add(e)
	return nil
}

// entry makes the entry for inode in at p, and returns its system.data
// (inline bytes) apart.
func (w *walker) entry(p string, in *inode) (*rootfs.Entry, []byte, error) {
	kind := rootfs.KindFromUnix(uint32(in.mode))
	if kind == 0 {
		return nil, nil, fmt.Errorf("unknown file type in mode %#o", in.mode)
	}
	if in.flags&flagEncrypt != 0 {
		return nil, nil, fmt.Errorf("encrypted (fscrypt), which this reader cannot read")
	}
	x, inline, err := w.f.xattrs(in)
	if err != nil {
		return nil, nil, err
	}
	e := &rootfs.Entry{
		Path: p, Kind: kind, Mode: rootfs.PermFromUnix(uint32(in.mode)),
		UID: in.uid, GID: in.gid, ModTime: in.mtime, Xattrs: x,
	}
	switch kind {
	case rootfs.File:
		e.Size, e.Open, err = w.f.contents(p, in, inline)
	case rootfs.Symlink:
		e.Link, err = w.f.symlink(in, inline)
	case rootfs.CharDevice, rootfs.BlockDevice:
		e.DevMajor, e.DevMinor = device(in)
	}
	return e, inline, err
}

// dir adds directory e and visits its entries in order of name. An empty
// lost+found at the root is left out: mke2fs makes one in every image.
func (w *walker) dir(e *rootfs.Entry, in *inode, inline []byte, depth int) error {
	p := e.Path
	if first, ok := w.dirs[in.num]; ok {
		return w.b.Errorf(p, "directory inode %d reached twice (first as %s): a directory loop", in.num, first)
	}
	w.dirs[in.num] = p
	if depth > maxDepth {
		return w.b.Errorf(p, "directories nested deeper than %d", maxDepth)
	}
	ents, err := w.f.listDir(in, inline)
	if err != nil {
		return w.b.Errorf(p, "inode %d: %v", in.num, err)
	}
	slices.SortFunc(ents, func(a, b dirent) int { return strings.Compare(a.name, b.name) })
	if p == lostFound && len(ents) == 0 {
		return nil
	}
	w.b.Add(e)
	for i, d := range ents {
		if i > 0 && ents[i-1].name == d.name {
			return w.b.Errorf(p, "inode %d: the name %q is in the directory twice", in.num, d.name)
		}
		child := d.name
		if p != "." {
			child = p + "/" + d.name
		}
		if len(child) > maxPath {
			return w.b.Errorf(p, "a path of more than %d bytes below it", maxPath)
		}
		if err := w.visit(child, d.ino, depth+1); err != nil {
			return err
		}
	}
	return nil
}
