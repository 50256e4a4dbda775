package rootfs

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Ownership says whose files a host directory's entries become. A host
// folder built without root privileges has no root-owned files, so
// FromDir needs this stated rather than guessed.
type Ownership uint8

const (
	// HostOwners keeps each file's uid and gid from the host.
	HostOwners Ownership = iota + 1
	// RootOwned makes every entry uid 0, gid 0.
	RootOwned
)

// DirOption changes how FromDir reads a host directory.
type DirOption func(*dirOptions)

type dirOptions struct{ xattrs bool }

// WithHostXattrs keeps the host files' extended attributes. They are off
// by default: a host adds its own (security.selinux labels, for one)
// that do not belong on a device.
func WithHostXattrs() DirOption { return func(o *dirOptions) { o.xattrs = true } }

// FromDir reads a host directory, which becomes the tree's root, without
// following symlinks. Modes (with setuid/setgid/sticky), mtimes, symlinks,
// device numbers, fifos and sockets come from lstat; owners from own;
// regular files sharing (device, inode) become one File, the first in
// walk order, and Hardlinks to it. Entry.Open opens the host file when
// called, so the directory must outlive the Tree.
func FromDir(dir string, own Ownership, opts ...DirOption) (*Tree, error) {
	if own != HostOwners && own != RootOwned {
		return nil, fmt.Errorf("%s: no ownership policy (HostOwners or RootOwned)", dir)
	}
	var o dirOptions
	for _, opt := range opts {
		opt(&o)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	b := NewBuilder(dir)
	links := map[[2]uint64]string{}
	err = filepath.WalkDir(root, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, full)
		if err != nil {
			return err
		}
		raw := filepath.ToSlash(rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st, err := hostStat(fi)
		if err != nil {
			return b.Errorf(raw, "%v", err)
		}
		e := &Entry{
			Path:    Clean(raw),
			Kind:    KindFromUnix(st.mode),
			Mode:    PermFromUnix(st.mode),
			ModTime: fi.ModTime().UTC(),
		}
		if own == HostOwners {
			e.UID, e.GID = st.uid, st.gid
		}
		switch e.Kind {
		case File:
			if st.nlink > 1 {
				key := [2]uint64{st.dev, st.ino}
				if first, ok := links[key]; ok {
					b.Add(&Entry{Path: e.Path, Kind: Hardlink, Link: first})
					return nil
				}
				links[key] = e.Path
			}
			e.Size = fi.Size()
			e.Open = func() (io.ReadCloser, error) { return os.Open(full) }
		case Symlink:
			if e.Link, err = os.Readlink(full); err != nil {
				return err
			}
		case CharDevice, BlockDevice:
			e.DevMajor, e.DevMinor = st.major, st.minor
		case 0:
			return b.Errorf(raw, "unknown file type in mode %#o", st.mode)
		}
		if o.xattrs {
			if e.Xattrs, err = hostXattrs(full); err != nil {
				return b.Errorf(raw, "%v", err)
			}
		}
		b.Add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.Tree()
}
