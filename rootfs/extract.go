package rootfs

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"

	"github.com/firmwright/firmwright/internal/holes"
)

// ExtractOptions say how much of the metadata a host directory can take.
type ExtractOptions struct {
	// Owners sets uid/gid (needs root).
	Owners bool
	// Devices creates device nodes (needs root); without it they are
	// skipped and reported to Skipped.
	Devices bool
	// Skipped, if set, hears of each entry not created and why.
	Skipped func(path, why string)
}

// Extract writes t below dir, which must not exist yet or be empty:
// files, directories, symlinks, hard links, fifos, and devices when
// allowed; modes and mtimes kept. Every operation goes through an
// os.Root, so no entry path, hard link or symlink in the tree can make it
// write outside dir.
func Extract(t *Tree, dir string, opts ExtractOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if names, err := os.ReadDir(dir); err != nil || len(names) > 0 {
		return fmt.Errorf("%s: extracting needs an empty directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	x := &extractor{root: root, opts: opts}
	// Hard links after everything else: a link may sort before its file.
	for _, links := range []bool{false, true} {
		for _, e := range t.Entries {
			if (e.Kind == Hardlink) != links {
				continue
			}
			if err := x.entry(e); err != nil {
				return fmt.Errorf("%s: %s: %w", dir, e.Path, err)
			}
		}
	}
	// Directories last, deepest first: their modes (a 0555 directory
	// must not stop its children being created) and times.
	for _, e := range slices.Backward(t.Entries) {
		if e.Kind == Dir {
			if err := x.finish(e); err != nil {
				return fmt.Errorf("%s: %s: %w", dir, e.Path, err)
			}
		}
	}
	return nil
}

type extractor struct {
	root *os.Root
	opts ExtractOptions
}

// skip reports an entry that is not created.
func (x *extractor) skip(p, why string) error {
	if x.opts.Skipped != nil {
		x.opts.Skipped(p, why)
	}
	return nil
}

func (x *extractor) entry(e *Entry) error {
	if Clean(e.Path) != e.Path {
		return fmt.Errorf("not a clean relative path")
	}
	p := e.Path
	switch e.Kind {
	case Dir:
		if p != "." {
			if err := x.root.Mkdir(p, 0o700); err != nil {
				return err
			}
		}
		if x.opts.Owners {
			return x.root.Lchown(p, int(e.UID), int(e.GID))
		}
		return nil
	case File:
		if err := x.writeFile(e); err != nil {
			return err
		}
	case Symlink:
		if err := x.root.Symlink(e.Link, p); err != nil {
			return err
		}
		if x.opts.Owners {
			return x.root.Lchown(p, int(e.UID), int(e.GID))
		}
		return nil // a link's own mode and times are not set
	case Hardlink:
		if Clean(e.Link) != e.Link {
			return fmt.Errorf("hard link to %q: not a clean relative path", e.Link)
		}
		return x.root.Link(e.Link, p)
	case CharDevice, BlockDevice:
		if !x.opts.Devices {
			return x.skip(p, "device nodes need root")
		}
		if err := x.mknod(e); err != nil {
			return err
		}
	case FIFO:
		if err := x.mknod(e); err != nil {
			return err
		}
	case Socket:
		return x.skip(p, "sockets cannot be created")
	default:
		return fmt.Errorf("unknown kind %v", e.Kind)
	}
	return x.finish(e)
}

// finish sets owner, mode (after chown, which clears setuid bits) and
// time.
func (x *extractor) finish(e *Entry) error {
	if x.opts.Owners && e.Kind != Dir {
		if err := x.root.Lchown(e.Path, int(e.UID), int(e.GID)); err != nil {
			return err
		}
	}
	if err := x.root.Chmod(e.Path, e.Mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return err
	}
	return x.root.Chtimes(e.Path, e.ModTime, e.ModTime)
}

func (x *extractor) writeFile(e *Entry) error {
	f, err := x.root.OpenFile(e.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if e.Open != nil {
		r, err := e.Open()
		if err != nil {
			f.Close()
			return err
		}
		// Sparse files stay sparse: a 40 KB SquashFS may hold gigabytes
		// of holes.
		_, err = holes.Copy(f, r)
		r.Close()
		if err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// mknod creates a device node or fifo in its parent, opened through the
// root so that the parent cannot lie outside it.
func (x *extractor) mknod(e *Entry) error {
	parent, err := x.root.Open(path.Dir(e.Path))
	if err != nil {
		return err
	}
	defer parent.Close()
	return mknodAt(parent, path.Base(e.Path), e)
}
