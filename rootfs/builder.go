package rootfs

import (
	"fmt"
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

// Builder collects a reader's entries and produces a Tree by those rules,
// so that every reader (here and in subpackages) makes trees alike.
type Builder struct {
	// name is the archive, as the errors name it.
	name    string
	entries map[string]*Entry
	order   []string
}

// NewBuilder starts a tree read from the archive called name.
func NewBuilder(name string) *Builder {
	return &Builder{name: name, entries: map[string]*Entry{}}
}

// Errorf formats an error about one entry, raw being its name as the
// archive spells it.
func (b *Builder) Errorf(raw, format string, args ...any) error {
	return fmt.Errorf("%s: entry %s: %s", b.name, raw, fmt.Sprintf(format, args...))
}

// Add records e; a later entry for the same path replaces an earlier one.
func (b *Builder) Add(e *Entry) {
	if _, ok := b.entries[e.Path]; !ok {
		b.order = append(b.order, e.Path)
	}
	b.entries[e.Path] = e
}

// Tree synthesizes the root and missing parents, resolves hard links,
// checks the structure and returns the sorted tree.
func (b *Builder) Tree() (*Tree, error) {
	if root, ok := b.entries["."]; !ok {
		b.Add(syntheticDir("."))
	} else if root.Kind != Dir {
		return nil, b.Errorf(".", "the root is a %s, not a directory", root.Kind)
	}
	for _, p := range b.order {
		for d := path.Dir(p); p != "."; d = path.Dir(d) {
			parent, ok := b.entries[d]
			if !ok {
				b.Add(syntheticDir(d))
			} else if parent.Kind != Dir {
				return nil, b.Errorf(p, "parent %s is a %s, not a directory", d, parent.Kind)
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
func (b *Builder) resolve(e *Entry) (*Entry, error) {
	target := e
	for seen := 0; target.Kind == Hardlink; seen++ {
		next, ok := b.entries[target.Link]
		if !ok {
			return nil, b.Errorf(e.Path, "hard link to %s, which is not in the archive", target.Link)
		}
		if seen > len(b.entries) || next == e {
			return nil, b.Errorf(e.Path, "hard link loop through %s", target.Link)
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
