package squashfs

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"

	"github.com/firmwright/firmwright/internal/oracle"
)

// mountImage loop-mounts img read-only and returns the mount point; it is
// unmounted when the test ends. Where mounting is not permitted the test
// is skipped, except in CI.
func mountImage(t *testing.T, img string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		oracle.SkipOrFail(t, "loop mounts need root")
	}
	dir := t.TempDir()
	out, err := exec.Command(oracle.Tool(t, "mount"), "-t", "squashfs", "-o", "loop,ro", img, dir).CombinedOutput()
	if err != nil {
		oracle.SkipOrFail(t, "mount -t squashfs -o loop,ro: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// TestKernelMount mounts images with the kernel's SquashFS and compares
// every entry with the tree: kind, mode, owner, time, size, link count,
// contents, link target, device numbers and extended attributes.
func TestKernelMount(t *testing.T) {
	tree := fullTree()
	epoch := time.Unix(1700000000, 0)
	variants := []Options{
		{Compression: "gzip"},
		{Compression: "zstd"},
		{Compression: "xz"},
		{Compression: "lz4"},
		{Compression: "lz4", Level: 9, BlockSize: 4096, ModTime: &epoch},
		{Compression: "zstd", Level: 1, BlockSize: 1 << 20, NoTailEnds: true},
		{Compression: "gzip", Level: 1, NoFragments: true},
	}
	for _, opts := range variants {
		t.Run(fmt.Sprintf("%s-level%d-bs%d-nofrag%v-notail%v-epoch%v", opts.Compression, opts.Level, opts.BlockSize, opts.NoFragments, opts.NoTailEnds, opts.ModTime != nil), func(t *testing.T) {
			img := writeImage(t, tree, opts)
			checkMounted(t, tree, mountImage(t, img), opts.ModTime)
		})
	}
}

func checkMounted(t *testing.T, tree *rootfs.Tree, dir string, epoch *time.Time) {
	t.Helper()
	names := make(map[string]int) // link counts the tree implies
	for _, e := range tree.Entries {
		names[resolve(tree, e).Path]++
	}
	seen := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		e := tree.Lookup(filepath.ToSlash(rel))
		if e == nil {
			return fmt.Errorf("%s: in the image, not in the tree", rel)
		}
		seen++
		return checkEntry(t, tree, e, p, epoch, names)
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(tree.Entries) {
		t.Fatalf("image has %d entries, tree %d", seen, len(tree.Entries))
	}
}

func checkEntry(t *testing.T, tree *rootfs.Tree, e *rootfs.Entry, p string, epoch *time.Time, names map[string]int) error {
	src := resolve(tree, e)
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	st := fi.Sys().(*syscall.Stat_t)
	wantType := map[rootfs.Kind]uint32{
		rootfs.File: syscall.S_IFREG, rootfs.Dir: syscall.S_IFDIR, rootfs.Symlink: syscall.S_IFLNK,
		rootfs.CharDevice: syscall.S_IFCHR, rootfs.BlockDevice: syscall.S_IFBLK,
		rootfs.FIFO: syscall.S_IFIFO, rootfs.Socket: syscall.S_IFSOCK,
	}[src.Kind]
	wantMode := wantType | uint32(unixPermissions(src.Mode))
	if st.Mode != wantMode {
		return fmt.Errorf("%s: mode %o, want %o", e.Path, st.Mode, wantMode)
	}
	if st.Uid != src.UID || st.Gid != src.GID {
		return fmt.Errorf("%s: owner %d:%d, want %d:%d", e.Path, st.Uid, st.Gid, src.UID, src.GID)
	}
	wantTime := src.ModTime
	if epoch != nil && wantTime.After(*epoch) {
		wantTime = *epoch
	}
	if st.Mtim.Sec != wantTime.Unix() {
		return fmt.Errorf("%s: mtime %d, want %d", e.Path, st.Mtim.Sec, wantTime.Unix())
	}
	wantLinks := uint64(names[src.Path])
	if src.Kind == rootfs.Dir {
		wantLinks = 2
		for _, c := range tree.Entries {
			if c.Kind == rootfs.Dir && c.Path != "." && filepath.Dir(c.Path) == filepath.Clean(src.Path) {
				wantLinks++
			}
		}
	}
	if st.Nlink != wantLinks {
		return fmt.Errorf("%s: %d links, want %d", e.Path, st.Nlink, wantLinks)
	}
	switch src.Kind {
	case rootfs.File:
		if st.Size != src.Size {
			return fmt.Errorf("%s: size %d, want %d", e.Path, st.Size, src.Size)
		}
		if got, want := fileSum(t, p), entrySum(t, src); got != want {
			return fmt.Errorf("%s: contents differ", e.Path)
		}
	case rootfs.Symlink:
		if got, err := os.Readlink(p); err != nil || got != src.Link {
			return fmt.Errorf("%s: link %q, %v; want %q", e.Path, got, err, src.Link)
		}
	case rootfs.CharDevice, rootfs.BlockDevice:
		major := uint32((st.Rdev>>8)&0xfff | (st.Rdev>>32)&^0xfff)
		minor := uint32(st.Rdev&0xff | (st.Rdev>>12)&^0xff)
		if major != src.DevMajor || minor != src.DevMinor {
			return fmt.Errorf("%s: device %d,%d, want %d,%d", e.Path, major, minor, src.DevMajor, src.DevMinor)
		}
	}
	attrs, err := readXattrs(p)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	if len(attrs) != len(src.Xattrs) {
		return fmt.Errorf("%s: xattrs %q, want %q", e.Path, attrs, src.Xattrs)
	}
	for k, v := range src.Xattrs {
		if !bytes.Equal(attrs[k], v) {
			return fmt.Errorf("%s: xattr %s = %q, want %q", e.Path, k, attrs[k], v)
		}
	}
	return nil
}

func fileSum(t *testing.T, p string) [32]byte {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return [32]byte(h.Sum(nil))
}

func entrySum(t *testing.T, e *rootfs.Entry) [32]byte {
	data, err := readAll(e)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}
