package rootfs

import (
	"cmp"
	"fmt"
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
// string order, so components are compared one by one). The root "."
// comes first.
func Less(a, b string) bool { return Compare(a, b) < 0 }

// Compare returns -1, 0 or +1 as a is before, equal to or after b in
// tree order (see Less), without allocating. Comparing components one by
// one, a shorter path first when one is a prefix of the other, is
// bytewise order with '/' below every other byte: the first difference is
// either inside a component, or where one component ends ('/' or the end
// of the path) and the other goes on.
func Compare(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == ".":
		return -1
	case b == ".":
		return 1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		switch {
		case ca == cb:
			continue
		case ca == '/':
			return -1
		case cb == '/':
			return 1
		case ca < cb:
			return -1
		}
		return 1
	}
	return cmp.Compare(len(a), len(b))
}

// Sort puts the entries in tree order.
func (t *Tree) Sort() {
	slices.SortStableFunc(t.Entries, func(a, b *Entry) int { return Compare(a.Path, b.Path) })
}

// Lookup returns the entry at p, or nil.
func (t *Tree) Lookup(p string) *Entry {
	i, ok := slices.BinarySearchFunc(t.Entries, p, func(e *Entry, p string) int { return Compare(e.Path, p) })
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

// Subtree returns the entries below dir (not dir itself), in tree order:
// a directory's descendants follow it directly.
func (t *Tree) Subtree(dir string) []*Entry {
	i, ok := slices.BinarySearchFunc(t.Entries, dir, func(e *Entry, p string) int { return Compare(e.Path, p) })
	if !ok {
		return nil
	}
	start := i + 1
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	end := start
	for end < len(t.Entries) && strings.HasPrefix(t.Entries[end].Path, prefix) {
		end++
	}
	return t.Entries[start:end]
}

// ReadFile reads a regular file (or a hard link to one) of t, failing
// when it holds more than limit bytes.
func (t *Tree) ReadFile(p string, limit int64) ([]byte, error) {
	e := t.Lookup(p)
	if e != nil && e.Kind == Hardlink {
		e = t.Lookup(e.Link)
	}
	if e == nil || e.Kind != File {
		return nil, fmt.Errorf("%s: no such file in the tree", p)
	}
	if e.Size > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d expected", p, e.Size, limit)
	}
	if e.Open == nil {
		return nil, fmt.Errorf("%s: entry has no contents", p)
	}
	rc, err := e.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: more than %d bytes", p, limit)
	}
	return data, nil
}

// Without returns t without the paths in removed, which must hold whole
// subtrees (a directory's descendants with it). The surviving hard links
// of a removed file keep its contents. t is not changed.
func (t *Tree) Without(removed map[string]bool) *Tree {
	m := newMerger(t)
	m.remove(removed)
	out, _ := m.tree() // hard links stay consistent: remove keeps their files
	return out
}

// WithoutEmptyDirs returns t without every directory that holds nothing
// but other such directories, the root excepted. t is not changed.
func (t *Tree) WithoutEmptyDirs() *Tree {
	m := newMerger(t)
	m.removeEmptyDirs()
	out, _ := m.tree()
	return out
}
