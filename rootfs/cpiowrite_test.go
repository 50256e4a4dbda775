package rootfs_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

// TestWriteCPIORoundTrip: what WriteCPIO writes, FromCPIO reads back as
// the same tree (hard links, setuid, devices, symlinks and all), and the
// bytes do not depend on anything but the tree.
func TestWriteCPIORoundTrip(t *testing.T) {
	tr := baseTree(t)
	var a, b bytes.Buffer
	if err := rootfs.WriteCPIO(&a, tr); err != nil {
		t.Fatal(err)
	}
	rootfs.WriteCPIO(&b, tr)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of one tree differ")
	}
	p := filepath.Join(t.TempDir(), "x.cpio")
	os.WriteFile(p, a.Bytes(), 0o644)
	back, err := rootfs.FromCPIO(p, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rootfstest.Dump(t, back), rootfstest.Dump(t, tr); got != want {
		t.Errorf("read back:\n%s\nwant:\n%s", got, want)
	}
}

// TestWriteCPIOWithGNUCpio: GNU cpio lists and extracts our archive as
// the tree says (run as root for owners and devices).
func TestWriteCPIOWithGNUCpio(t *testing.T) {
	cpio := oracle.Tool(t, "cpio")
	tr := baseTree(t)
	tr.Lookup("bin/busybox").Mode = 0o755 | fs.ModeSetuid
	tr.Lookup("bin/sh").Mode = 0o755 | fs.ModeSetuid
	tr.Lookup("tmp").Mode = 0o777 | fs.ModeSticky
	var buf bytes.Buffer
	if err := rootfs.WriteCPIO(&buf, tr); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cpio, "-itv", "--numeric-uid-gid")
	cmd.Stdin = bytes.NewReader(buf.Bytes())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -itv: %v\n%s", err, out)
	}
	for _, want := range []string{"-rwsr-xr-x   2 0        0               2 Jan  1  1970 bin/busybox",
		"crw-rw-rw-   1 0        0          1,   3 Jan  1  1970 dev/null", "etc/resolv.conf -> /tmp/resolv.conf",
		"drwxrwxrwt   2 0        0               0 Jan  1  1970 tmp", "-rw-------   1 0        42              6 Jan  1  1970 etc/shadow"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("cpio -itv lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	cmd = exec.Command(cpio, "-idm", "--quiet", "--no-absolute-filenames")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(buf.Bytes())
	if out, err := cmd.CombinedOutput(); err != nil && os.Geteuid() == 0 {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	if data := fwtest.ReadFile(t, filepath.Join(dir, "bin/sh")); string(data) != "bb" {
		t.Errorf("bin/sh (hard link to busybox) holds %q", data)
	}
}
