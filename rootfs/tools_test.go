package rootfs

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/oracle"
)

func TestFromDir(t *testing.T) {
	stage := stageSample(t)
	got, err := FromDir(stage, HostOwners, WithHostXattrs())
	if err != nil {
		t.Fatal(err)
	}
	compareTrees(t, got, expected(t, sample()))

	// RootOwned: the same with every owner 0:0, and no xattrs unless asked.
	got, err = FromDir(stage, RootOwned)
	if err != nil {
		t.Fatal(err)
	}
	es := sample()
	for _, e := range es {
		e.UID, e.GID, e.Xattrs = 0, 0, nil
	}
	compareTrees(t, got, expected(t, es))

	if _, err := FromDir(stage, 0); err == nil {
		t.Error("FromDir without an ownership policy succeeded")
	}
}

// TestFromTar archives the staged sample with GNU tar, plain and with
// each compressor, and reads it back.
func TestFromTar(t *testing.T) {
	oracle.Tool(t, "tar")
	stage := stageSample(t)
	out := t.TempDir()
	tarball := filepath.Join(out, "rootfs.tar")
	run(t, stage, "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--sort=name", "-cf", tarball, ".")
	// GNU tar skips sockets ("socket ignored").
	want := expected(t, sample(), Socket)
	for _, c := range []struct{ name, tool, ext string }{
		{"plain", "", ""}, {"gzip", "gzip", ".gz"}, {"zstd", "zstd", ".zst"},
		{"bzip2", "bzip2", ".bz2"}, {"xz", "xz", ".xz"}, {"lz4", "lz4", ".lz4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := tarball
			if c.tool != "" {
				oracle.Tool(t, c.tool)
				p = tarball + c.ext
				sh(t, out, c.tool+" -c < rootfs.tar > rootfs.tar"+c.ext)
			}
			tmp := t.TempDir()
			got, err := FromTar(p, tmp)
			if err != nil {
				t.Fatal(err)
			}
			compareTrees(t, got, want)
			if left, _ := os.ReadDir(tmp); (len(left) > 0) != (c.tool != "") {
				t.Errorf("temporary files: %d", len(left))
			}
		})
	}
}

// TestFromCPIO archives the staged sample with GNU cpio in newc and crc
// formats, plain and gzipped.
func TestFromCPIO(t *testing.T) {
	oracle.Tool(t, "cpio")
	oracle.Tool(t, "find")
	oracle.Tool(t, "sort")
	oracle.Tool(t, "gzip")
	stage := stageSample(t)
	out := t.TempDir()
	es := sample()
	for _, e := range es {
		e.Xattrs = nil // newc has no extended attributes
	}
	want := expected(t, es)
	for _, format := range []string{"newc", "crc"} {
		t.Run(format, func(t *testing.T) {
			p := filepath.Join(out, format+".cpio")
			sh(t, stage, "find . | LC_ALL=C sort | cpio --quiet -o -H "+format+" > "+p)
			got, err := FromCPIO(p, "")
			if err != nil {
				t.Fatal(err)
			}
			compareTrees(t, got, want)
			sh(t, out, "gzip -k "+p)
			if got, err = FromCPIO(p+".gz", t.TempDir()); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, got, want)
		})
	}
}

// TestFromSquashFS builds the staged sample with mksquashfs under each
// compressor Buildroot offers that we read.
func TestFromSquashFS(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	stage := stageSample(t)
	want := expected(t, sample())
	for _, comp := range []string{"gzip", "xz", "zstd", "lz4"} {
		t.Run(comp, func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "rootfs.squashfs")
			run(t, "", "mksquashfs", stage, img, "-comp", comp, "-noappend", "-quiet", "-no-progress")
			got, err := FromSquashFS(img)
			if err != nil {
				t.Fatal(err)
			}
			compareTrees(t, got, want)
		})
	}
	t.Run("uncompressed", func(t *testing.T) {
		img := filepath.Join(t.TempDir(), "rootfs.squashfs")
		run(t, "", "mksquashfs", stage, img, "-noI", "-noD", "-noF", "-noX", "-noappend", "-quiet", "-no-progress")
		got, err := FromSquashFS(img)
		if err != nil {
			t.Fatal(err)
		}
		compareTrees(t, got, want)
	})
}

// TestFromSquashFSPseudo builds an image without root privileges, its
// devices and owners coming from a mksquashfs pseudo file (-pf), as a
// Buildroot-less CI would.
func TestFromSquashFSPseudo(t *testing.T) {
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
	run(t, "", "mksquashfs", src, img, "-pf", pf, "-comp", "zstd", "-noappend", "-quiet", "-no-progress")
	got, err := FromSquashFS(img)
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
`, uid, gid, sha("bb\n"), sha(""), sha("pw\n"), sha("generated"))
	checkTree(t, got)
	if d := dump(t, got); d != want {
		t.Errorf("got\n%s\nwant\n%s", d, want)
	}
}

func sha(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))[:12] }
