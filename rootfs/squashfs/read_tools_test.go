package squashfs

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

// TestReadFile builds the staged sample with mksquashfs under each
// compressor Buildroot offers that we read.
func TestReadFile(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	stage := rootfstest.StageSample(t)
	want := rootfstest.Expected(t, rootfstest.Sample())
	for _, comp := range []string{"gzip", "xz", "zstd", "lz4"} {
		t.Run(comp, func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "rootfs.squashfs")
			rootfstest.Run(t, "", "mksquashfs", stage, img, "-comp", comp, "-noappend", "-quiet", "-no-progress")
			got, err := ReadFile(img)
			if err != nil {
				t.Fatal(err)
			}
			rootfstest.Compare(t, got, want)
		})
	}
	t.Run("uncompressed", func(t *testing.T) {
		img := filepath.Join(t.TempDir(), "rootfs.squashfs")
		rootfstest.Run(t, "", "mksquashfs", stage, img, "-noI", "-noD", "-noF", "-noX", "-noappend", "-quiet", "-no-progress")
		got, err := ReadFile(img)
		if err != nil {
			t.Fatal(err)
		}
		rootfstest.Compare(t, got, want)
	})
}

// TestReadFilePseudo builds an image without root privileges, its
// devices and owners coming from a mksquashfs pseudo file (-pf), as a
// Buildroot-less CI would.
func TestReadFilePseudo(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for _, d := range []string{"bin", "etc"} {
		if err := os.MkdirAll(filepath.Join(src, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for p, s := range map[string]string{"bin/busybox": "bb\n", "etc/passwd": "pw\n", "etc/empty": ""} {
		if err := os.WriteFile(filepath.Join(src, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range []string{"bin", "etc", "."} {
		mt := time.Unix(1700000100+int64(i), 0)
		if err := os.Chtimes(filepath.Join(src, p), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	pf := filepath.Join(dir, "pseudo")
	if err := os.WriteFile(pf, []byte(`bin m 755 0 0
etc m 750 0 0
bin/busybox M 1700000003 4755 0 0
etc/passwd M 1700000004 640 0 42
etc/empty M 1700000014 600 1000 1001
dev D 1700000005 755 0 0
dev/console C 1700000006 600 0 5 5 1
dev/nvme0n1 B 1700000007 660 0 6 259 70000
run D 1700000008 1777 0 0
run/initctl I 1700000009 620 0 0 f
run/sock I 1700000010 755 0 0 s
home D 1700000011 2755 1000 1000
home/link S 1700000012 777 1000 1000 ../etc/passwd
home/gen F 1700000013 644 1000 1000 printf generated
`), 0o644); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "rootfs.squashfs")
	rootfstest.Run(t, "", "mksquashfs", src, img, "-pf", pf, "-comp", "zstd", "-noappend", "-quiet", "-no-progress")
	got, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	uid, gid := uint32(os.Getuid()), uint32(os.Getgid())
	want := fmt.Sprintf(`. dir 0755 %d:%d 1700000102
bin dir 0755 0:0 1700000100
bin/busybox file 4755 0:0 1700000003 size=3 sha=%s
dev dir 0755 0:0 1700000005
dev/console char device 0600 0:5 1700000006 5,1
dev/nvme0n1 block device 0660 0:6 1700000007 259,70000
etc dir 0750 0:0 1700000101
etc/empty file 0600 1000:1001 1700000014 size=0 sha=%s
etc/passwd file 0640 0:42 1700000004 size=3 sha=%s
home dir 2755 1000:1000 1700000011
home/gen file 0644 1000:1000 1700000013 size=9 sha=%s
home/link symlink 0777 1000:1000 1700000012 -> ../etc/passwd
run dir 1777 0:0 1700000008
run/initctl fifo 0620 0:0 1700000009
run/sock socket 0755 0:0 1700000010
`, uid, gid, rootfstest.ShortSHA("bb\n"), rootfstest.ShortSHA(""), rootfstest.ShortSHA("pw\n"), rootfstest.ShortSHA("generated"))
	rootfstest.Validate(t, got)
	if d := rootfstest.Dump(t, got); d != want {
		t.Errorf("got\n%s\nwant\n%s", d, want)
	}
}
