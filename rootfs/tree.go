// Package rootfs models a root filesystem as plain data: a sorted list of
// entries with their metadata and a way to read each file's contents
// lazily from wherever it came from (a tar, a SquashFS image, a cpio
// archive, a host directory, a release). Readers produce Trees, the merge
// combines them, and the SquashFS writer consumes one.
package rootfs

import (
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Kind is what an entry is.
type Kind uint8

const (
	File Kind = iota + 1
	Dir
	Symlink
	// Hardlink is another name for the regular file at Link (a path in the
	// same tree). Readers that see hard links emit one File and then
	// Hardlinks to it.
	Hardlink
	CharDevice
	BlockDevice
	FIFO
	Socket
)

func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Dir:
		return "dir"
	case Symlink:
		return "symlink"
	case Hardlink:
		return "hardlink"
	case CharDevice:
		return "char device"
	case BlockDevice:
		return "block device"
	case FIFO:
		return "fifo"
	case Socket:
		return "socket"
	}
	return "unknown"
}

// Entry is one path of a tree and its metadata.
type Entry struct {
	// Path is clean, absolute-free and slash-separated: "etc/passwd";
	// the root directory is ".".
	Path string
	Kind Kind
	// Mode holds the permission bits and setuid, setgid and sticky
	// (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky).
	Mode     fs.FileMode
	UID, GID uint32
	ModTime  time.Time
	// Size is a file's length in bytes.
	Size int64
	// Link is a symlink's target, or a hardlink's path in the tree.
	Link string
	// DevMajor and DevMinor are a device node's numbers.
	DevMajor, DevMinor uint32
	// Xattrs are extended attributes (e.g. "security.capability").
	Xattrs map[string][]byte
	// Open reads a file's contents; nil for other kinds.
	Open func() (io.ReadCloser, error)
}

// Tree is a filesystem: entries sorted by path (see Less), parents
// before children, with the root "." first.
type Tree struct {
	Entries []*Entry
}

// Less orders paths as a depth-first walk with each directory's entries
// sorted by name, bytewise ("a" < "a/b" < "a-b" would not hold for plain
// string order, so components are compared one by one).
func Less(a, b string) bool {
	if a == b {
		return false
	}
	if a == "." {
		return true
	}
	if b == "." {
		return false
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] != bs[i] {
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

// Sort puts the entries in tree order.
func (t *Tree) Sort() {
	slices.SortStableFunc(t.Entries, func(a, b *Entry) int {
		switch {
		case Less(a.Path, b.Path):
			return -1
		case Less(b.Path, a.Path):
			return 1
		}
		return 0
	})
}

// Lookup returns the entry at p, or nil.
func (t *Tree) Lookup(p string) *Entry {
	i, ok := slices.BinarySearchFunc(t.Entries, p, func(e *Entry, p string) int {
		switch {
		case Less(e.Path, p):
			return -1
		case Less(p, e.Path):
			return 1
		}
		return 0
	})
	if !ok {
		return nil
	}
	return t.Entries[i]
}

// Clean turns a path from an archive or a host into an entry path.
func Clean(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// WithModTime returns a copy of t whose every entry has mtime tm: with
// SOURCE_DATE_EPOCH, an image must not depend on when its inputs were
// touched (mksquashfs -all-time).
func (t *Tree) WithModTime(tm time.Time) *Tree {
	out := &Tree{Entries: make([]*Entry, len(t.Entries))}
	for i, e := range t.Entries {
		c := *e
		c.ModTime = tm
		out.Entries[i] = &c
	}
	return out
}
