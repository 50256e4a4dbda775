package rootfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

func TestFromDir(t *testing.T) {
	stage := rootfstest.StageSample(t)
	got, err := rootfs.FromDir(stage, rootfs.HostOwners, rootfs.WithHostXattrs())
	if err != nil {
		t.Fatal(err)
	}
	rootfstest.Compare(t, got, rootfstest.Expected(t, rootfstest.Sample()))

	// RootOwned: the same with every owner 0:0, and no xattrs unless asked.
	got, err = rootfs.FromDir(stage, rootfs.RootOwned)
	if err != nil {
		t.Fatal(err)
	}
	es := rootfstest.Sample()
	for _, e := range es {
		e.UID, e.GID, e.Xattrs = 0, 0, nil
	}
	rootfstest.Compare(t, got, rootfstest.Expected(t, es))

	if _, err := rootfs.FromDir(stage, 0); err == nil {
		t.Error("FromDir without an ownership policy succeeded")
	}
}

// TestFromTar archives the staged sample with GNU tar, plain and with
// each compressor, and reads it back.
func TestFromTar(t *testing.T) {
	oracle.Tool(t, "tar")
	stage := rootfstest.StageSample(t)
	out := t.TempDir()
	tarball := filepath.Join(out, "rootfs.tar")
	rootfstest.Run(t, stage, "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--sort=name", "-cf", tarball, ".")
	// GNU tar skips sockets ("socket ignored").
	want := rootfstest.Expected(t, rootfstest.Sample(), rootfs.Socket)
	for _, c := range []struct{ name, tool, ext string }{
		{"plain", "", ""}, {"gzip", "gzip", ".gz"}, {"zstd", "zstd", ".zst"},
		{"bzip2", "bzip2", ".bz2"}, {"xz", "xz", ".xz"}, {"lz4", "lz4", ".lz4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := tarball
			if c.tool != "" {
				oracle.Tool(t, c.tool)
				p = tarball + c.ext
				rootfstest.Sh(t, out, c.tool+" -c < rootfs.tar > rootfs.tar"+c.ext)
			}
			tmp := t.TempDir()
			got, err := rootfs.FromTar(p, tmp)
			if err != nil {
				t.Fatal(err)
			}
			rootfstest.Compare(t, got, want)
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
	stage := rootfstest.StageSample(t)
	out := t.TempDir()
	es := rootfstest.Sample()
	for _, e := range es {
		e.Xattrs = nil // newc has no extended attributes
	}
	want := rootfstest.Expected(t, es)
	for _, format := range []string{"newc", "crc"} {
		t.Run(format, func(t *testing.T) {
			p := filepath.Join(out, format+".cpio")
			rootfstest.Sh(t, stage, "find . | LC_ALL=C sort | cpio --quiet -o -H "+format+" > "+p)
			got, err := rootfs.FromCPIO(p, "")
			if err != nil {
				t.Fatal(err)
			}
			rootfstest.Compare(t, got, want)
			rootfstest.Sh(t, out, "gzip -k "+p)
			if got, err = rootfs.FromCPIO(p+".gz", t.TempDir()); err != nil {
				t.Fatal(err)
			}
			rootfstest.Compare(t, got, want)
		})
	}
}
