package rootfs

import (
	"fmt"
	"io/fs"
	"path"
	"time"
)

// The rules every reader follows when it turns an archive into a Tree:
//
//   - Entries come out sorted (Tree.Sort), root first.
//   - The root "." is always present. If the archive has no entry for it,
//     one is synthesized: a directory owned by root:root, mode 0755,
//     mtime 0 (the Unix epoch). Missing parent directories of any entry
//     are synthesized the same way.
//   - A path that occurs twice keeps its last occurrence, as extracting
//     the archive would.
//   - A hard link to a regular file becomes a Hardlink whose Link is the
//     File's path; a hard link to a hard link is resolved to that File.
//     A hard link to anything else (a symlink, a device, a fifo) becomes a
//     copy of that entry under the new path, since the tree model only
//     links regular files. Hardlinks carry their File's metadata, Size 0
//     and no Open.
//   - An entry below a path that is not a directory is an error.

// epoch is the mtime of synthesized directories.
var epoch = time.Unix(0, 0).UTC()

// builder collects a reader's entries and produces a Tree.
type builder struct {
	// name is the archive, as the errors name it.
	name    string
	entries map[string]*Entry
	order   []string
}

func newBuilder(name string) *builder {
	return &builder{name: name, entries: map[string]*Entry{}}
}

// errorf formats an error about one entry, raw being its name as the
// archive spells it.
func (b *builder) errorf(raw, format string, args ...any) error {
	return fmt.Errorf("%s: entry %s: %s", b.name, raw, fmt.Sprintf(format, args...))
}

// add records e; a later entry for the same path replaces an earlier one.
func (b *builder) add(e *Entry) {
	if _, ok := b.entries[e.Path]; !ok {
		b.order = append(b.order, e.Path)
	}
	b.entries[e.Path] = e
}

// tree synthesizes the root and missing parents, resolves hard links,
// checks the structure and returns the sorted tree.
func (b *builder) tree() (*Tree, error) {
	if _, ok := b.entries["."]; !ok {
		b.add(syntheticDir("."))
	}
	for _, p := range b.order {
		for d := path.Dir(p); p != "."; d = path.Dir(d) {
			parent, ok := b.entries[d]
			if !ok {
				b.add(syntheticDir(d))
			} else if parent.Kind != Dir {
				return nil, b.errorf(p, "parent %s is a %s, not a directory", d, parent.Kind)
			} else {
				break // its own parents are checked in its turn
			}
			if d == "." {
				break
			}
		}
	}
	t := &Tree{Entries: make([]*Entry, 0, len(b.entries))}
	for _, p := range b.order {
		e := b.entries[p]
		if e.Kind == Hardlink {
			resolved, err := b.resolve(e)
			if err != nil {
				return nil, err
			}
			e = resolved
		}
		t.Entries = append(t.Entries, e)
	}
	t.Sort()
	return t, nil
}

// resolve turns a hard link into a Hardlink to a File, or a copy of a
// non-file target.
func (b *builder) resolve(e *Entry) (*Entry, error) {
	target := e
	for seen := 0; target.Kind == Hardlink; seen++ {
		next, ok := b.entries[target.Link]
		if !ok {
			return nil, b.errorf(e.Path, "hard link to %s, which is not in the archive", target.Link)
		}
		if seen > len(b.entries) || next == e {
			return nil, b.errorf(e.Path, "hard link loop through %s", target.Link)
		}
		target = next
	}
	c := *target
	c.Path = e.Path
	if target.Kind == File {
		c.Kind, c.Link, c.Size, c.Open = Hardlink, target.Path, 0, nil
	}
	return &c, nil
}

func syntheticDir(p string) *Entry {
	return &Entry{Path: p, Kind: Dir, Mode: 0o755, ModTime: epoch}
}

// Unix mode bits, as tar, cpio, SquashFS and stat(2) store them.
const (
	unixTypeMask = 0o170000
	unixSocket   = 0o140000
	unixSymlink  = 0o120000
	unixFile     = 0o100000
	unixBlock    = 0o060000
	unixDir      = 0o040000
	unixChar     = 0o020000
	unixFIFO     = 0o010000
	unixSetuid   = 0o4000
	unixSetgid   = 0o2000
	unixSticky   = 0o1000
)

// permFromUnix converts the low 12 bits of a Unix mode into an Entry mode.
func permFromUnix(m uint32) fs.FileMode {
	mode := fs.FileMode(m) & fs.ModePerm
	if m&unixSetuid != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unixSetgid != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unixSticky != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// kindFromUnix returns the kind a Unix mode's type bits name, or 0.
func kindFromUnix(m uint32) Kind {
	switch m & unixTypeMask {
	case unixFile:
		return File
	case unixDir:
		return Dir
	case unixSymlink:
		return Symlink
	case unixChar:
		return CharDevice
	case unixBlock:
		return BlockDevice
	case unixFIFO:
		return FIFO
	case unixSocket:
		return Socket
	}
	return 0
}
