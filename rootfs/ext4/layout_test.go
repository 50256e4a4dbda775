package ext4

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs"
	"golang.org/x/sys/unix"
)

// readAll reads the file p of tr.
func readAll(t *testing.T, tr *rootfs.Tree, p string) []byte {
	t.Helper()
	e := tr.Lookup(p)
	if e == nil || e.Kind != rootfs.File {
		t.Fatalf("no file %s", p)
	}
	r, err := e.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != e.Size {
		t.Fatalf("%s: read %d bytes, Size is %d", p, len(b), e.Size)
	}
	return b
}

// TestUninitializedExtents reads a file whose middle blocks debugfs
// punched and then fallocated: they get uninitialized extents over the
// same blocks, which may still hold the old data, so reading them from the
// disk would show it. An uninitialized extent past the end of the file
// (fallocate with KEEP_SIZE) must not change its size either. debugfs's
// dump is the oracle.
func TestUninitializedExtents(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 40*1024)
	rand.Read(data)
	if err := os.WriteFile(filepath.Join(dir, "f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	img := mkfs(t, dir, "8M", "-t", "ext4", "-b", "1024")
	dumped := filepath.Join(t.TempDir(), "dumped")
	debugfsWrite(t, img, "punch /f 8 15", "fallocate /f 8 15", "fallocate /f 40 49")
	out := debugfs(t, img, "ex /f", "dump /f "+dumped)
	if strings.Count(out, " Uninit\n") != 2 {
		t.Fatalf("debugfs made no uninitialized extents:\n%s", out)
	}
	tr, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, tr, "f")
	want := bytes.Clone(data)
	clear(want[8*1024 : 16*1024])
	if !bytes.Equal(got, want) {
		t.Errorf("the uninitialized blocks did not read as zeros")
	}
	if d, err := os.ReadFile(dumped); err != nil || !bytes.Equal(d, got) {
		t.Errorf("debugfs dump differs (%v)", err)
	}
}

// TestTripleIndirect reads a block-mapped file with data behind each
// level of the map: direct, single, double and triple indirect blocks
// (with 1 KiB blocks the triple one starts past 64 MiB).
func TestTripleIndirect(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 3000)
	for _, off := range []int64{0, 100 << 10, 10 << 20, 66 << 20, 70<<20 - 3000} {
		rand.Read(chunk)
		if _, err := f.WriteAt(chunk, off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	img := mkfs(t, dir, "4M", "-t", "ext2", "-b", "1024")
	if out := debugfs(t, img, "stat /f"); !strings.Contains(out, "(TIND)") {
		t.Fatalf("no triple indirect block:\n%s", out)
	}
	tr, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readAll(t, tr, "f"), want) {
		t.Errorf("the contents differ from the file's")
	}
}

// TestEAInode reads an xattr value too large for a 1 KiB block, which
// ea_inode keeps in an inode of its own.
func TestEAInode(t *testing.T) {
	oracle.Root(t, "setting xattrs")
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("f"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := bytes.Repeat([]byte("huge value "), 300)
	for k, v := range map[string][]byte{"user.huge": huge, "user.small": []byte("s")} {
		if err := unix.Setxattr(p, k, v, 0); err != nil {
			t.Fatal(err)
		}
	}
	img := mkfs(t, dir, "4M", "-t", "ext4", "-b", "1024", "-O", "ea_inode")
	tr, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	x := tr.Lookup("f").Xattrs
	if !bytes.Equal(x["user.huge"], huge) || string(x["user.small"]) != "s" || len(x) != 2 {
		t.Errorf("xattrs: %q", x)
	}
	in, err := openFS(t, rootfs.FileSource(img)).readInode(inodeOf(t, rootfs.FileSource(img), "f"))
	if err != nil {
		t.Fatal(err)
	}
	// The entry for "huge" in the inode names the inode holding the value.
	if i := bytes.Index(in.ibody, []byte("huge")); i < xattrEntryHeader || binary.LittleEndian.Uint32(in.ibody[i-xattrEntryHeader+4:]) == 0 {
		t.Errorf("user.huge is not in an inode of its own")
	}
}

func TestRecLen64K(t *testing.T) {
	f := &fsys{sb: &superblock{blockSize: 1 << 16}}
	for raw, want := range map[uint16]int{0: 1 << 16, 0xFFFF: 1 << 16, 12: 12, 0xFFFC: 0xFFFC, 0x0101: 0x10100} {
		if got := f.recLen(raw); got != want {
			t.Errorf("recLen(%#x) = %#x, want %#x", raw, got, want)
		}
	}
}

// TestLostFound keeps a lost+found that holds something (e2fsck put it
// there, or the tree had one), and drops only an empty one at the root.
func TestLostFound(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"lost+found", "sub/lost+found"} {
		if err := os.MkdirAll(filepath.Join(dir, p), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	img := mkfs(t, dir, "4M", "-t", "ext4")
	tr, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Lookup("lost+found") != nil || tr.Lookup("sub/lost+found") == nil {
		t.Errorf("the empty lost+found at the root kept, or one below dropped")
	}
	found := filepath.Join(t.TempDir(), "found")
	if err := os.WriteFile(found, []byte("found by e2fsck\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	debugfsWrite(t, img, "cd lost+found", "write "+found+" found")
	if tr, err = ReadFile(img); err != nil {
		t.Fatal(err)
	}
	if string(readAll(t, tr, "lost+found/found")) != "found by e2fsck\n" {
		t.Errorf("a lost+found holding a file was dropped")
	}
}

// TestHugeSparse reads a file of one block whose size debugfs set to
// 1 TiB: reading the image costs what its one extent costs, and the
// rest of the file reads as zeros made without touching the image.
func TestHugeSparse(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	img := mkfs(t, dir, "4M", "-t", "ext4", "-b", "4096")
	debugfsWrite(t, img, "sif /f size 0x10000000000")
	tr, err := ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	e := tr.Lookup("f")
	if e.Size != 1<<40 {
		t.Fatalf("size %d, want 1 TiB", e.Size)
	}
	r, err := e.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head := make([]byte, 64<<20)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatal(err)
	}
	if string(head[:4]) != "data" || bytes.Count(head[4:], []byte{0}) != len(head)-4 {
		t.Errorf("the first 64 MiB are not the data and zeros")
	}
}
