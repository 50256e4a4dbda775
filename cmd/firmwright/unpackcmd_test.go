package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// TestUnpack: a .fw whose rootfs.img is a SquashFS image lists and
// extracts back to the tree it was made from.
func TestUnpack(t *testing.T) {
	dir := t.TempDir()
	mt := time.Unix(1700000000, 0).UTC()
	open := func(s string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
	}
	tree := &rootfs.Tree{Entries: []*rootfs.Entry{
		{Path: ".", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "etc", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "etc/erlinit.config", Kind: rootfs.File, Mode: 0o644, ModTime: mt, Size: 9, Open: open("-v\n-c tty")},
		{Path: "sbin", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "sbin/init", Kind: rootfs.File, Mode: fs.ModeSetuid | 0o755, ModTime: mt, Size: 4, Open: open("init")},
		{Path: "bin", Kind: rootfs.Symlink, Mode: 0o777, ModTime: mt, Link: "sbin"},
	}}
	tree.Sort()
	img, err := os.Create(filepath.Join(dir, "rootfs.img"))
	if err != nil {
		t.Fatal(err)
	}
	if err := squashfs.Write(img, tree, squashfs.Options{}); err != nil {
		t.Fatal(err)
	}
	img.Close()
	conf := filepath.Join(dir, "fwup.conf")
	os.WriteFile(conf, []byte(`file-resource rootfs.img { host-path = "`+img.Name()+`" }
task complete { on-resource rootfs.img { raw_write(0) } }
`), 0o644)
	fw := filepath.Join(dir, "x.fw")
	if _, errOut, code := runCLI(t, map[string]string{}, "fwup", "-c", "-f", conf, "-o", fw); code != 0 {
		t.Fatalf("create: %s", errOut)
	}
	out, errOut, code := runCLI(t, map[string]string{}, "unpack", fw)
	if code != 0 {
		t.Fatalf("unpack: %s", errOut)
	}
	for _, want := range []string{"-rwsr-xr-x 0/0        4 2023-11-14 22:13 /sbin/init", "lrwxrwxrwx 0/0        4 2023-11-14 22:13 /bin -> sbin"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	to := filepath.Join(dir, "out")
	if _, errOut, code := runCLI(t, map[string]string{}, "unpack", fw, "-o", to); code != 0 {
		t.Fatalf("unpack -o: %s", errOut)
	}
	if b := fwtest.ReadFile(t, filepath.Join(to, "etc/erlinit.config")); !bytes.Equal(b, []byte("-v\n-c tty")) {
		t.Errorf("extracted erlinit.config = %q", b)
	}
	if _, errOut, code := runCLI(t, map[string]string{}, "unpack", fw, "--resource", "nope"); code == 0 || !strings.Contains(errOut, "no resource nope") {
		t.Errorf("missing resource: exit %d, %q", code, errOut)
	}
}
