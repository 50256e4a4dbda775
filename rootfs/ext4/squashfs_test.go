package ext4

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// TestSquashFSFromExt4 writes the tree read from an ext image and the
// tree read from a tar of the same directory into SquashFS, with fixed
// options and every time set to one epoch: the images must be the same
// byte for byte, which is what rebuilding a Buildroot base needs.
func TestSquashFSFromExt4(t *testing.T) {
	dir, fromTar := stage(t)
	epoch := time.Unix(1700000000, 0).UTC()
	opts := squashfs.Options{Compression: "gzip", ModTime: &epoch}
	want := writeSquashFS(t, fromTar.WithModTime(epoch), opts)
	for _, v := range variants {
		if v.name != "buildroot" && v.name != "ext2" {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			tr, err := ReadFile(mkfs(t, dir, "64M", v.args...))
			if err != nil {
				t.Fatal(err)
			}
			// GNU tar leaves sockets out.
			got := writeSquashFS(t, without(t, tr, rootfs.Socket).WithModTime(epoch), opts)
			if !bytes.Equal(got, want) {
				t.Errorf("SquashFS from the ext image: %d bytes, from the tar: %d bytes, not the same", len(got), len(want))
			}
		})
	}
}

func writeSquashFS(t *testing.T, tr *rootfs.Tree, opts squashfs.Options) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rootfs.squashfs")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := squashfs.Write(f, tr, opts); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
