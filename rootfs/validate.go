package rootfs

import (
	"fmt"
	"path"
)

// Validate checks the invariants every reader and the merge promise of
// a tree: the root directory first; entries in tree order, each path once
// and clean; every entry's parent a directory in the tree; contents
// (Open) on files and only on files; hard links naming a file of the
// tree, with its mode and owner.
// Every reader's tests run it (as go-containerregistry's validate
// package checks any image), so a new reader is held to the same rules.
func Validate(t *Tree) error {
	if len(t.Entries) == 0 || t.Entries[0].Path != "." || t.Entries[0].Kind != Dir {
		return fmt.Errorf("validate: the root directory is not the first entry")
	}
	for i, e := range t.Entries {
		if err := validateEntry(t, e); err != nil {
			return fmt.Errorf("validate: %s: %w", e.Path, err)
		}
		if i > 0 && !Less(t.Entries[i-1].Path, e.Path) {
			return fmt.Errorf("validate: entries out of order or duplicated: %s, then %s", t.Entries[i-1].Path, e.Path)
		}
	}
	return nil
}

func validateEntry(t *Tree, e *Entry) error {
	if e.Path != Clean(e.Path) {
		return fmt.Errorf("the path is not clean (%q)", Clean(e.Path))
	}
	if e.Path != "." {
		if p := t.Lookup(path.Dir(e.Path)); p == nil || p.Kind != Dir {
			return fmt.Errorf("no parent directory")
		}
	}
	if (e.Open != nil) != (e.Kind == File) {
		return fmt.Errorf("a %s with Open set: %v", e.Kind, e.Open != nil)
	}
	if e.Kind == Hardlink {
		f := t.Lookup(e.Link)
		if f == nil || f.Kind != File {
			return fmt.Errorf("a hard link to %s, which is not a file in the tree", e.Link)
		}
		if f.Mode != e.Mode || f.UID != e.UID || f.GID != e.GID {
			return fmt.Errorf("a hard link whose mode or owner differs from its file %s", e.Link)
		}
	}
	if e.Kind < File || e.Kind > Socket {
		return fmt.Errorf("unknown kind %d", e.Kind)
	}
	return nil
}
