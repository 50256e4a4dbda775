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
		{Path: "dev", Kind: rootfs.Dir, Mode: 0o755, ModTime: mt},
		{Path: "dev/console", Kind: rootfs.CharDevice, Mode: 0o600, ModTime: mt, DevMajor: 5, DevMinor: 1},
		{Path: "dev/log", Kind: rootfs.Socket, Mode: 0o666, ModTime: mt},
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
	// -o is mix firmware.unpack's folder: the archive's entries and the
	// root filesystem in rootfs/.
	to := filepath.Join(dir, "out")
	out, errOut, code = runCLI(t, map[string]string{}, "unpack", fw, "-o", to)
	if code != 0 {
		t.Fatalf("unpack -o: %s", errOut)
	}
	if b := fwtest.ReadFile(t, filepath.Join(to, "rootfs/etc/erlinit.config")); !bytes.Equal(b, []byte("-v\n-c tty")) {
		t.Errorf("extracted erlinit.config = %q", b)
	}
	if !bytes.Equal(fwtest.ReadFile(t, filepath.Join(to, "meta.conf")), fwtest.MetaConf(t, fw)) {
		t.Error("meta.conf differs from the archive's")
	}
	if !bytes.Equal(fwtest.ReadFile(t, filepath.Join(to, "data/rootfs.img")), fwtest.ReadFile(t, img.Name())) {
		t.Error("data/rootfs.img differs from the resource")
	}
	if os.Geteuid() == 0 {
		if fi, err := os.Lstat(filepath.Join(to, "rootfs/dev/console")); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Errorf("as root, dev/console is %v (%v)", fi, err)
		}
	} else if !strings.Contains(out, "left out 1 entry (device nodes need root)\n") {
		t.Errorf("unpack -o said:\n%s", out)
	}
	if !strings.Contains(out, "left out 1 entry (sockets cannot be created)\n") {
		t.Errorf("unpack -o said:\n%s", out)
	}
	if _, errOut, code := runCLI(t, map[string]string{}, "unpack", fw, "-o", to); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("unpack into an existing folder: exit %d, %q", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("the folder holds %d entries, want rootfs.img, fwup.conf, x.fw, out", len(entries))
	}
	if _, errOut, code := runCLI(t, map[string]string{}, "unpack", fw, "--resource", "nope"); code == 0 || !strings.Contains(errOut, "no resource nope") {
		t.Errorf("missing resource: exit %d, %q", code, errOut)
	}
}
