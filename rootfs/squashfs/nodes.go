package squashfs

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/firmwright/firmwright/rootfs"
)

// inode is one file system object: what a path, or several hard-linked
// paths, name.
type inode struct {
	// entry holds the metadata; for hard links, that of the file they
	// name.
	entry  *rootfs.Entry
	kind   rootfs.Kind // never rootfs.Hardlink
	number uint32      // 1-based, in tree order as mksquashfs numbers
	nlink  uint32
	mode   uint16 // permission, setuid, setgid and sticky bits
	mtime  uint32

	// Directories.
	children []dirent // sorted by name
	parent   *inode

	// Regular files. Duplicates share one fileData.
	data *fileData

	// ref locates the inode in the inode table once it is written.
	ref     uint64
	written bool
}

// dirent is a name in a directory.
type dirent struct {
	name string
	node *inode
}

// fileTree is a rootfs.Tree checked and resolved into inodes.
type fileTree struct {
	root *inode
	// inodes by number - 1.
	inodes []*inode
	// files are the regular files with contents, in tree order.
	files []*inode
	// byPath finds the inode a path names, for Options.Order.
	byPath map[string]*inode
	// latest is the newest (clamped) mtime.
	latest uint32
}

// buildTree checks t and makes its inodes. clamp, when not nil, is the
// latest mtime an inode may have.
func buildTree(t *rootfs.Tree, clamp *uint32) (*fileTree, error) {
	entries := slices.Clone(t.Entries)
	// Trees come sorted, but sorting again costs little and makes the
	// output independent of how a reader ordered them.
	slices.SortStableFunc(entries, func(a, b *rootfs.Entry) int { return rootfs.Compare(a.Path, b.Path) })

	ft := &fileTree{byPath: make(map[string]*inode, len(entries))}
	var hardlinks []*rootfs.Entry
	byPath := make(map[string]*rootfs.Entry, len(entries))
	for _, e := range entries {
		if e == nil {
			return nil, fmt.Errorf("squashfs: tree has a nil entry")
		}
		if rootfs.Clean(e.Path) != e.Path {
			return nil, fmt.Errorf("squashfs: %q: path is not clean (want %q)", e.Path, rootfs.Clean(e.Path))
		}
		if byPath[e.Path] != nil {
			return nil, fmt.Errorf("squashfs: %s: path appears twice in the tree", e.Path)
		}
		byPath[e.Path] = e
		if e.Kind == rootfs.Hardlink {
			hardlinks = append(hardlinks, e)
			continue
		}
		ino, err := newInode(e, clamp)
		if err != nil {
			return nil, err
		}
		ft.byPath[e.Path] = ino
	}
	root := ft.byPath["."]
	if root == nil || root.kind != rootfs.Dir {
		return nil, fmt.Errorf("squashfs: tree has no root directory \".\"")
	}
	ft.root = root

	for _, e := range hardlinks {
		target, err := resolveHardlink(e, byPath)
		if err != nil {
			return nil, err
		}
		ino := ft.byPath[target.Path]
		ino.nlink++
		ft.byPath[e.Path] = ino
	}

	// Link names into their directories and number inodes in tree order,
	// the root last, as mksquashfs does.
	var next uint32 = 1
	for _, e := range entries {
		if e.Path == "." {
			continue
		}
		dir, name := path.Split(e.Path)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		parent := ft.byPath[dir]
		if parent == nil || parent.kind != rootfs.Dir {
			return nil, fmt.Errorf("squashfs: %s: parent %q is not a directory in the tree", e.Path, dir)
		}
		if len(name) > maxNameLen {
			return nil, fmt.Errorf("squashfs: %s: name is %d bytes, more than SquashFS's %d", e.Path, len(name), maxNameLen)
		}
		if strings.IndexByte(name, 0) >= 0 {
			return nil, fmt.Errorf("squashfs: %q: name contains a NUL byte", e.Path)
		}
		ino := ft.byPath[e.Path]
		parent.children = append(parent.children, dirent{name: name, node: ino})
		if ino.kind == rootfs.Dir {
			ino.parent = parent
			parent.nlink++
		}
		if ino.number == 0 {
			ino.number = next
			next++
			ft.inodes = append(ft.inodes, ino)
			if ino.kind == rootfs.File && ino.entry.Size > 0 {
				ft.files = append(ft.files, ino)
			}
		}
	}
	root.number = next
	ft.inodes = append(ft.inodes, root)
	for _, ino := range ft.inodes {
		ft.latest = max(ft.latest, ino.mtime)
	}
	return ft, nil
}

func newInode(e *rootfs.Entry, clamp *uint32) (*inode, error) {
	ino := &inode{entry: e, kind: e.Kind, nlink: 1, mode: unixPermissions(e.Mode)}
	mtime, err := unixTime(e.ModTime)
	if err != nil {
		return nil, fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	if clamp != nil && mtime > *clamp {
		mtime = *clamp
	}
	ino.mtime = mtime
	switch e.Kind {
	case rootfs.Dir:
		ino.nlink = 2
	case rootfs.File:
		if e.Size < 0 {
			return nil, fmt.Errorf("squashfs: %s: negative size %d", e.Path, e.Size)
		}
		if e.Size > 0 && e.Open == nil {
			return nil, fmt.Errorf("squashfs: %s: file of %d bytes has no Open", e.Path, e.Size)
		}
		ino.data = &fileData{fragment: noFragment}
	case rootfs.Symlink:
		if e.Link == "" {
			return nil, fmt.Errorf("squashfs: %s: symlink has an empty target", e.Path)
		}
		if len(e.Link) > maxSymlinkLen {
			return nil, fmt.Errorf("squashfs: %s: symlink target is %d bytes, more than the %d Linux reads", e.Path, len(e.Link), maxSymlinkLen)
		}
	case rootfs.CharDevice, rootfs.BlockDevice:
		// The 32-bit device number the kernel decodes (new_decode_dev).
		if e.DevMajor > 0xfff || e.DevMinor > 0xfffff {
			return nil, fmt.Errorf("squashfs: %s: device %d,%d does not fit SquashFS's 12-bit major and 20-bit minor", e.Path, e.DevMajor, e.DevMinor)
		}
	case rootfs.FIFO, rootfs.Socket:
	default:
		return nil, fmt.Errorf("squashfs: %s: unknown entry kind %v", e.Path, e.Kind)
	}
	return ino, nil
}

// resolveHardlink follows a hard link, and hard links to hard links, to
// the entry that has the metadata.
func resolveHardlink(e *rootfs.Entry, byPath map[string]*rootfs.Entry) (*rootfs.Entry, error) {
	target := e
	for range len(byPath) + 1 {
		if target.Kind != rootfs.Hardlink {
			if target.Kind == rootfs.Dir {
				return nil, fmt.Errorf("squashfs: %s: hard link to directory %s", e.Path, target.Path)
			}
			return target, nil
		}
		next := byPath[rootfs.Clean(target.Link)]
		if next == nil {
			return nil, fmt.Errorf("squashfs: %s: hard link target %q is not in the tree", e.Path, target.Link)
		}
		target = next
	}
	return nil, fmt.Errorf("squashfs: %s: hard links form a cycle", e.Path)
}

// unixPermissions turns the Go mode bits a tree holds into the 12 Unix
// bits an inode stores; the file type is in the inode type.
func unixPermissions(m fs.FileMode) uint16 {
	bits := uint16(m.Perm())
	if m&fs.ModeSetuid != 0 {
		bits |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		bits |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		bits |= 0o1000
	}
	return bits
}

// unixTime converts a time to SquashFS's unsigned 32-bit seconds. The
// zero time, which readers leave when a source has no times, is the epoch.
func unixTime(t time.Time) (uint32, error) {
	if t.IsZero() {
		return 0, nil
	}
	s := t.Unix()
	if s < 0 || s > math.MaxUint32 {
		return 0, fmt.Errorf("time %s is outside SquashFS's range (1970 to 2106)", t.UTC().Format(time.RFC3339))
	}
	return uint32(s), nil
}
