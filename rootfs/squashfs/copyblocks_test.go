package squashfs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs"
)

// copyTree has what a base's files hold: whole blocks and a tail, a hole,
// a block that does not compress, small files and two files of one size.
func copyTree() *rootfs.Tree {
	r := newRand(7)
	const bs = 128 << 10
	b := newTreeBuilder(time.Unix(1600000000, 0))
	b.file("big", 0o755, textData(r, 3*bs+999))
	holey := append(append(textData(r, bs), make([]byte, bs)...), textData(r, bs)...)
	b.file("holey", 0o644, holey)
	b.file("random", 0o644, randomData(r, 2*bs))
	b.file("small", 0o644, textData(r, 300))
	twin := textData(r, bs+5)
	b.file("twin-a", 0o644, twin)
	b.file("twin-b", 0o644, twin)
	return b.tree()
}

// TestCopyBlocks writes an image at gzip level 1, reads it back as a base
// and writes it again at the default level with CopyBlocks: the whole
// blocks keep level 1's bytes, everything reads back as written, and the
// output is the same for any number of workers.
func TestCopyBlocks(t *testing.T) {
	tree := copyTree()
	base := writeImage(t, tree, Options{Level: 1, Order: []string{"big"}})
	baseTree, err := ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	copied := writeImage(t, baseTree, Options{CopyBlocks: true, Workers: 1})
	again := writeImage(t, baseTree, Options{CopyBlocks: true, Workers: 3})
	fresh := writeImage(t, baseTree, Options{})
	a, b, f := fwtest.ReadFile(t, copied), fwtest.ReadFile(t, again), fwtest.ReadFile(t, fresh)
	if !bytes.Equal(a, b) {
		t.Fatal("CopyBlocks output differs between 1 and 3 workers")
	}
	if bytes.Equal(a, f) {
		t.Fatal("CopyBlocks made the image that compressing every block made")
	}
	first := firstStoredBlock(t, base, "big")
	if !bytes.Contains(a, first) {
		t.Fatal("the copy does not hold big's first block as the base stores it")
	}
	got, err := ReadFile(copied)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tree.Entries {
		if e.Kind != rootfs.File {
			continue
		}
		want, _ := readAll(e)
		have, err := readAll(got.Lookup(e.Path))
		if err != nil || !bytes.Equal(have, want) {
			t.Errorf("%s: read %d bytes back (%v), wrote %d", e.Path, len(have), err, len(want))
		}
	}
	unsquashfsSame(t, copied, tree)
}

// TestCopyBlocksCorrupt damages a stored block of the base: the copy
// fails, naming the file, instead of carrying the damage over: a worker
// checks big's block; twin-a, which may be a duplicate, is hashed first.
func TestCopyBlocksCorrupt(t *testing.T) {
	for _, name := range []string{"big", "twin-a"} {
		base := writeImage(t, copyTree(), Options{Level: 1, Order: []string{name}})
		img, err := os.ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		first := firstStoredBlock(t, base, name)
		at := bytes.Index(img, first) + len(first)/2
		img[at] ^= 0x55
		if err := os.WriteFile(base, img, 0o644); err != nil {
			t.Fatal(err)
		}
		baseTree, err := ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		err = Write(&countingWriterAt{}, baseTree, Options{CopyBlocks: true})
		if err == nil || !strings.Contains(err.Error(), "squashfs: "+name+": ") || !strings.Contains(err.Error(), "data block") {
			t.Errorf("copying a damaged block of %s: %v, want an error naming its data block", name, err)
		}
	}
}

// firstStoredBlock returns path's first data block as the image stores it.
func firstStoredBlock(t *testing.T, img, path string) []byte {
	t.Helper()
	tree, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := tree.Lookup(path).Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	stored, word, ok, err := rc.(storedBlocks).nextStored(make([]byte, 0, 128<<10))
	if err != nil || !ok || word&sqDataUncomp != 0 {
		t.Fatalf("%s: first block %d, %v, %v", path, word, ok, err)
	}
	return append([]byte(nil), stored...)
}

// unsquashfsSame extracts img with unsquashfs and compares its regular
// files with tree's.
func unsquashfsSame(t *testing.T, img string, tree *rootfs.Tree) {
	t.Helper()
	bin := oracle.Tool(t, "unsquashfs")
	dir := filepath.Join(t.TempDir(), "x")
	if out, err := exec.Command(bin, "-n", "-no-xattrs", "-d", dir, img).CombinedOutput(); err != nil {
		t.Fatalf("unsquashfs: %v\n%s", err, out)
	}
	for _, e := range tree.Entries {
		if e.Kind != rootfs.File {
			continue
		}
		want, _ := readAll(e)
		if have, err := os.ReadFile(filepath.Join(dir, e.Path)); err != nil || !bytes.Equal(have, want) {
			t.Errorf("unsquashfs %s: %d bytes (%v), wrote %d", e.Path, len(have), err, len(want))
		}
	}
}
