package ext4

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

// The seed images in testdata are real mke2fs images of 128 KiB, small
// enough to fuzz and to damage by hand in the tests, which then need no
// e2fsprogs. Remake them with
//
//	EXT4_WRITE_SEEDS=1 go test ./rootfs/ext4 -run TestWriteSeeds
var seeds = []struct {
	name string
	args []string
}{
	{"ext4", []string{"-t", "ext4", "-O", "^has_journal"}},
	{"ext2", []string{"-t", "ext2"}},
	{"inline", []string{"-t", "ext4", "-O", "inline_data,^has_journal"}},
}

// seedEntries is the seeds' tree: a file of each kind, a hard link, a
// long symlink, xattrs in the inode and in a block, an owner past 16
// bits, a file of six extents (an extent tree of depth 1) and one past
// the 12 direct blocks of a block map.
func seedEntries() []*rootfs.Entry {
	file := func(p, content string) *rootfs.Entry {
		return &rootfs.Entry{Path: p, Kind: rootfs.File, Mode: 0o644, Size: int64(len(content)), Open: rootfstest.Opener(content)}
	}
	a := file("a", "hello\n")
	a.UID, a.GID, a.Xattrs = 1000, 100000, map[string][]byte{"user.x": []byte("1")}
	x := file("sub/x", strings.Repeat("x", 100))
	x.Xattrs = map[string][]byte{"user.big": bytes.Repeat([]byte("v"), 600)}
	var sparse strings.Builder
	for k := range 6 {
		sparse.WriteString(strings.Repeat(string(rune('a'+k)), 1024))
		if k < 5 {
			sparse.WriteString(strings.Repeat("\x00", 2048))
		}
	}
	es := []*rootfs.Entry{
		a, x, file("big", strings.Repeat("fourteen kibibytes of text. ", 512)), file("sparse", sparse.String()),
		{Path: "sub", Kind: rootfs.Dir, Mode: 0o750},
		{Path: "b", Kind: rootfs.Hardlink, Link: "a"},
		{Path: "short", Kind: rootfs.Symlink, Mode: 0o777, Link: "a"},
		{Path: "long", Kind: rootfs.Symlink, Mode: 0o777, Link: strings.Repeat("t", 80)},
		{Path: "dev", Kind: rootfs.CharDevice, Mode: 0o600, DevMajor: 4, DevMinor: 300},
		{Path: "fifo", Kind: rootfs.FIFO, Mode: 0o600},
	}
	for i, e := range es {
		e.ModTime = time.Unix(1690000000+int64(i), 0).UTC()
	}
	return es
}

// TestWriteSeeds remakes testdata's seed images when EXT4_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("EXT4_WRITE_SEEDS") != "1" {
		t.Skip("set EXT4_WRITE_SEEDS=1 to remake the seed images")
	}
	oracle.Root(t, "staging device nodes and owners")
	mke2fs := oracle.Tool(t, "mke2fs")
	dir := filepath.Join(t.TempDir(), "stage")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rootfstest.Stage(t, dir, seedEntries())
	for _, s := range seeds {
		img := filepath.Join(t.TempDir(), s.name)
		// Fixed times, UUID and hash seed: the same image every time.
		args := append(append([]string{"-q", "-F", "-b", "1024", "-N", "32", "-U", "01234567-89ab-cdef-0123-456789abcdef",
			"-E", "hash_seed=01234567-89ab-cdef-0123-456789abcdef"}, s.args...), "-d", dir, img, "128K")
		cmd := exec.Command(mke2fs, args...)
		cmd.Env = append(os.Environ(), "E2FSPROGS_FAKE_TIME=1700000000")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mke2fs %v: %v\n%s", args, err, out)
		}
		data, err := os.ReadFile(img)
		if err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(data)
		w.Close()
		if err := os.WriteFile(filepath.Join("testdata", s.name+".img.gz"), gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// seed returns the uncompressed seed image name.
func seed(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".img.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSeeds reads each seed image: it holds the tree it was made of, so
// the damaged copies the other tests make start from a good image.
func TestSeeds(t *testing.T) {
	want := rootfstest.Expected(t, seedEntries())
	for _, s := range seeds {
		t.Run(s.name, func(t *testing.T) {
			got, err := Read(rootfs.MemorySource(s.name, seed(t, s.name)))
			if err != nil {
				t.Fatal(err)
			}
			// mke2fs gives the root its (fake) time.
			got.Entries[0].ModTime = want.Entries[0].ModTime
			rootfstest.Compare(t, got, want)
		})
	}
}

// TestRevision0 reads an ext2 of the original revision: 128-byte inodes,
// no features, so no xattrs and no file types in directory entries.
func TestRevision0(t *testing.T) {
	oracle.Root(t, "staging device nodes and owners")
	dir := filepath.Join(t.TempDir(), "stage")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rootfstest.Stage(t, dir, seedEntries())
	got, err := ReadFile(mkfs(t, dir, "1M", "-t", "ext2", "-r", "0"))
	if err != nil {
		t.Fatal(err)
	}
	es := seedEntries()
	for _, e := range es {
		e.Xattrs = nil
	}
	want := rootfstest.Expected(t, es)
	got.Entries[0].ModTime = want.Entries[0].ModTime
	rootfstest.Compare(t, got, want)
}
