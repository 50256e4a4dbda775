package rootfs

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
// allowed; modes and mtimes kept.
func Extract(t *Tree, dir string, opts ExtractOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if names, err := os.ReadDir(dir); err != nil || len(names) > 0 {
		return fmt.Errorf("%s: extracting needs an empty directory", dir)
	}
	// Hard links after everything else: a link may sort before its file.
	for _, links := range []bool{false, true} {
		for _, e := range t.Entries {
			if (e.Kind == Hardlink) != links {
				continue
			}
			if err := extractEntry(e, dir, opts); err != nil {
				return fmt.Errorf("%s: %s: %w", dir, e.Path, err)
			}
		}
	}
	// Directory times last, once nothing more is created inside them.
	for _, e := range slices.Backward(t.Entries) {
		if e.Kind == Dir {
			p := filepath.Join(dir, filepath.FromSlash(e.Path))
			if err := os.Chtimes(p, e.ModTime, e.ModTime); err != nil {
				return err
			}
		}
	}
	return nil
}

func extractEntry(e *Entry, dir string, opts ExtractOptions) error {
	p := filepath.Join(dir, filepath.FromSlash(e.Path))
	switch e.Kind {
	case Dir:
		if e.Path != "." {
			if err := os.Mkdir(p, 0o700); err != nil {
				return err
			}
		}
	case File:
		if err := writeFile(p, e); err != nil {
			return err
		}
	case Symlink:
		return os.Symlink(e.Link, p) // a link's own mode and times are not set
	case Hardlink:
		return os.Link(filepath.Join(dir, filepath.FromSlash(e.Link)), p)
	case FIFO, Socket, CharDevice, BlockDevice:
		if (e.Kind == CharDevice || e.Kind == BlockDevice) && !opts.Devices {
			if opts.Skipped != nil {
				opts.Skipped(e.Path, "device nodes need root")
			}
			return nil
		}
		if e.Kind == Socket {
			if opts.Skipped != nil {
				opts.Skipped(e.Path, "sockets cannot be created")
			}
			return nil
		}
		if err := mknod(p, e); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown kind %v", e.Kind)
	}
	if opts.Owners {
		if err := os.Lchown(p, int(e.UID), int(e.GID)); err != nil {
			return err
		}
	}
	// After chown, which clears setuid bits.
	if err := os.Chmod(p, e.Mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return err
	}
	if e.Kind != Dir {
		return os.Chtimes(p, e.ModTime, e.ModTime)
	}
	return nil
}

func writeFile(p string, e *Entry) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if e.Open != nil {
		r, err := e.Open()
		if err != nil {
			f.Close()
			return err
		}
		_, err = io.Copy(f, r)
		r.Close()
		if err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
