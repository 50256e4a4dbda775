package ext4

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs/rootfstest"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// TestRefused reads real images the reader must refuse, each with an
// error that says why: a journaled ext4 whose journal needs recovery (the
// flag set in a real mke2fs image, its superblock checksum made right so
// that the flag is what is met), the same with a feature no one knows, a
// truncated copy, and files that are no ext image at all.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("f\n"), 0o644)
	img := mkfs(t, dir, "8M", "-t", "ext4", "-b", "4096")
	good, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(img); err != nil {
		t.Fatal(err)
	}
	recovery := changed(good, func(sb []byte) { sb[0x60] |= incompatRecover })
	unknown := changed(good, func(sb []byte) { sb[0x63] |= 0x80 })
	squash := writeSquashFS(t, rootfstest.MemTree(t, "etc/passwd f 644 0:0 root"), squashfs.Options{})
	for _, c := range []struct {
		name string
		img  []byte
		want string
	}{
		{"needs recovery", recovery, "the journal needs recovery"},
		{"unknown feature", unknown, "uses incompatible features this reader does not support: unknown 0x80000000"},
		{"truncated", good[:len(good)/2], "superblock: the filesystem has 2048 blocks of 4096 bytes, but the image only 4194304 bytes (truncated?)"},
		{"squashfs", squash, "not an ext2/ext3/ext4 filesystem (magic"},
		{"empty", nil, "not an ext2/ext3/ext4 filesystem: 0 bytes"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x")
			if err := os.WriteFile(p, c.img, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(p)
			if want := p + ": " + c.want; err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got %v, want an error starting %q", err, want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("read a missing file")
	}
}

// changed returns a copy of img with its superblock changed (and its
// checksum made right).
func changed(img []byte, change func(sb []byte)) []byte {
	b := bytes.Clone(img)
	changeSuper(b, change)
	return b
}

func TestIsExt(t *testing.T) {
	img := seed(t, "ext2")
	if !IsExt(img[:HeadSize]) {
		t.Error("IsExt is false for an ext2 image")
	}
	if IsExt(img[:HeadSize-1]) || IsExt(make([]byte, 4096)) {
		t.Error("IsExt is true without the magic")
	}
}
