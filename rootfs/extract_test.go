package rootfs_test

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/rootfs"
)

func contents(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte(s))), nil }
}

// TestExtractRoundTrip: what Extract writes, FromDir reads back the same.
func TestExtractRoundTrip(t *testing.T) {
	mt := time.Unix(1700000000, 0).UTC()
	root := os.Getuid() == 0
	tree := &rootfs.Tree{Entries: []*rootfs.Entry{
		{Path: ".", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "bin", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "bin/busybox", Kind: rootfs.File, Mode: fs.ModeSetuid | 0o755, ModTime: mt, Size: 5, Open: contents("hello")},
		{Path: "bin/sh", Kind: rootfs.Symlink, Mode: 0o777, ModTime: mt, Link: "busybox"},
		{Path: "bin/ash", Kind: rootfs.Hardlink, Mode: fs.ModeSetuid | 0o755, ModTime: mt, Link: "bin/busybox"},
		{Path: "run", Kind: rootfs.Dir, Mode: fs.ModeSticky | 0o777, ModTime: mt},
		{Path: "run/pipe", Kind: rootfs.FIFO, Mode: 0o600, ModTime: mt},
		{Path: "dev", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "dev/console", Kind: rootfs.CharDevice, Mode: 0o600, ModTime: mt, DevMajor: 5, DevMinor: 1},
	}}
	tree.Sort()
	dir := filepath.Join(t.TempDir(), "x")
	var skipped []string
	if err := rootfs.Extract(tree, dir, rootfs.ExtractOptions{Devices: root, Owners: root, Skipped: func(p, _ string) { skipped = append(skipped, p) }}); err != nil {
		t.Fatal(err)
	}
	got, err := rootfs.FromDir(dir, rootfs.HostOwners)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range tree.Entries {
		g := got.Lookup(want.Path)
		if g == nil {
			if !root && want.Kind == rootfs.CharDevice && len(skipped) == 1 {
				continue
			}
			t.Errorf("%s: missing", want.Path)
			continue
		}
		if want.Kind == rootfs.File || want.Kind == rootfs.Hardlink {
			// FromDir names the first path of a link group the file.
			if g.Kind != rootfs.File && g.Kind != rootfs.Hardlink || g.Mode != want.Mode {
				t.Errorf("%s: got %+v", want.Path, g)
			}
			continue
		}
		if g.Kind != want.Kind || g.Mode != want.Mode && want.Kind != rootfs.Symlink || g.Link != want.Link ||
			g.DevMajor != want.DevMajor || g.DevMinor != want.DevMinor || want.Path != "." && !g.ModTime.Equal(want.ModTime) && want.Kind != rootfs.Symlink {
			t.Errorf("%s: got %+v, want %+v", want.Path, g, want)
		}
	}
	if b := fwtest.ReadFile(t, filepath.Join(dir, "bin/ash")); string(b) != "hello" {
		t.Errorf("hard link reads %q", b)
	}
	if st, _ := os.Stat(filepath.Join(dir, "bin/busybox")); st.Mode()&fs.ModeSetuid == 0 {
		t.Error("setuid bit lost")
	}
	if err := rootfs.Extract(tree, dir, rootfs.ExtractOptions{}); err == nil {
		t.Error("extracting into a non-empty directory succeeded")
	}
}

// TestExtractStaysInside: no entry path, hard link or symlink in a tree
// makes Extract write outside its directory; read-only directories still
// get their children.
func TestExtractStaysInside(t *testing.T) {
	mt := time.Unix(1700000000, 0).UTC()
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim")
	os.WriteFile(victim, []byte("keep"), 0o644)
	for name, entries := range map[string][]*rootfs.Entry{
		"dotdot path":   {{Path: "../escape", Kind: rootfs.File, Mode: 0o644, Open: contents("x")}},
		"hard link out": {{Path: "h", Kind: rootfs.Hardlink, Mode: 0o644, Link: "../" + filepath.Base(outside) + "/victim"}},
		"through a symlink": {
			{Path: "a", Kind: rootfs.Symlink, Mode: 0o777, Link: outside},
			{Path: "a/f", Kind: rootfs.File, Mode: 0o644, Open: contents("x")},
		},
	} {
		tree := &rootfs.Tree{Entries: append([]*rootfs.Entry{{Path: ".", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt}}, entries...)}
		parent := t.TempDir()
		dir := filepath.Join(parent, "x")
		if err := rootfs.Extract(tree, dir, rootfs.ExtractOptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := os.Stat(filepath.Join(parent, "escape")); err == nil {
			t.Errorf("%s: wrote outside", name)
		}
		if _, err := os.Stat(filepath.Join(outside, "f")); err == nil {
			t.Errorf("%s: wrote through a symlink", name)
		}
		if b := fwtest.ReadFile(t, victim); string(b) != "keep" {
			t.Errorf("%s: changed a file outside", name)
		}
	}

	tree := &rootfs.Tree{Entries: []*rootfs.Entry{
		{Path: ".", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "ro", Kind: rootfs.Dir, Mode: 0o555, ModTime: mt, UID: 12, GID: 34},
		{Path: "ro/f", Kind: rootfs.File, Mode: 0o444, ModTime: mt, UID: 56, GID: 78, Size: 1, Open: contents("f")},
	}}
	dir := filepath.Join(t.TempDir(), "x")
	root := os.Getuid() == 0
	if err := rootfs.Extract(tree, dir, rootfs.ExtractOptions{Owners: root}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, "ro"))
	if st.Mode().Perm() != 0o555 {
		t.Errorf("ro is %v", st.Mode())
	}
	if root {
		got, _ := rootfs.FromDir(dir, rootfs.HostOwners)
		if e := got.Lookup("ro/f"); e == nil || e.UID != 56 || e.GID != 78 {
			t.Errorf("owner of ro/f: %+v", e)
		}
		if e := got.Lookup("ro"); e == nil || e.UID != 12 || e.GID != 34 {
			t.Errorf("owner of ro: %+v", e)
		}
	}
	os.Chmod(filepath.Join(dir, "ro"), 0o755) // let the test clean up
}
