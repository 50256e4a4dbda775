package ext4

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
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

// The sparse file of the staged tree: sparseChunks chunks of data, one
// every sparseStride bytes (holePath has the hole at the end). That is more extents
// than two levels of 4 KiB extent blocks hold, so every extent variant
// has a tree of depth 2, and with block maps it reaches the double
// indirect block.
const (
	sparsePath   = "var/sparse"
	sparseChunks = 1400
	sparseStride = 8192
	sparseChunk  = 4096
	sparseSize   = (sparseChunks-1)*sparseStride + sparseChunk
	holePath     = "var/hole-at-end"
)

// entries is rootfstest.Sample with what an ext4 image holds that the
// sample lacks: a hashed directory of 600 entries, a symlink too long for
// i_block, a sparse file, xattrs too big for the inode, owners past 16
// bits, a file that spills out of i_block with inline_data.
func entries() []*rootfs.Entry {
	es := rootfstest.Sample()
	mt := time.Unix(1710000000, 0).UTC()
	add := func(e *rootfs.Entry) { e.ModTime = mt; mt = mt.Add(3 * time.Second); es = append(es, e) }
	file := func(p string, mode fs.FileMode, uid, gid uint32, content string) *rootfs.Entry {
		e := &rootfs.Entry{Path: p, Kind: rootfs.File, Mode: mode, UID: uid, GID: gid, Size: int64(len(content)), Open: rootfstest.Opener(content)}
		add(e)
		return e
	}
	add(&rootfs.Entry{Path: "bigdir", Kind: rootfs.Dir, Mode: 0o755, UID: 1000, GID: 1000})
	for i := range 600 {
		file(fmt.Sprintf("bigdir/entry-with-a-longish-name-%04d", i), 0o644, uint32(1000+i%3), uint32(100+i%4), strings.Repeat("x", i%70))
	}
	add(&rootfs.Entry{Path: "var/busybox-link", Kind: rootfs.Hardlink, Link: "bin/busybox"})
	add(&rootfs.Entry{Path: "usr/share/longlink", Kind: rootfs.Symlink, Mode: 0o777, UID: 7, GID: 8,
		Link: "/usr/share/a/target/path/that/is/longer/than/the/sixty/bytes/of/i_block/" + strings.Repeat("z", 40)})
	big := file("etc/bigxattr", 0o640, 0, 0, "the inode cannot hold its attributes\n")
	big.Xattrs = map[string][]byte{"user.big": bytes.Repeat([]byte("0123456789"), 90), "trusted.t": []byte("t"), "security.selinux": []byte("system_u:object_r:etc_t:s0\x00")}
	file("etc/hundred", 0o644, 0, 0, strings.Repeat("0123456789", 10))
	high := file("etc/highid", 0o4711, 100000, 70000, "owner past 16 bits\n")
	high.Xattrs = map[string][]byte{"user.a": []byte("1"), "user.b": []byte("")}
	add(&rootfs.Entry{Path: "usr/share/dir-xattr", Kind: rootfs.Dir, Mode: 0o2750, UID: 3, GID: 4, Xattrs: map[string][]byte{"user.d": []byte("dir")}})
	add(&rootfs.Entry{Path: holePath, Kind: rootfs.File, Mode: 0o644, Size: 1 << 20, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(strings.NewReader("data, then a hole"), io.LimitReader(zeros{}, 1<<20-17))), nil
	}})
	add(&rootfs.Entry{Path: sparsePath, Kind: rootfs.File, Mode: 0o600, UID: 33, GID: 33, Size: sparseSize, Open: openSparse})
	return es
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// openSparse reads the sparse file's contents, made on the fly.
func openSparse() (io.ReadCloser, error) { return io.NopCloser(&sparseReader{}), nil }

type sparseReader struct{ pos int64 }

func (r *sparseReader) Read(p []byte) (int, error) {
	if r.pos >= sparseSize {
		return 0, io.EOF
	}
	n := min(int64(len(p)), sparseSize-r.pos)
	for i := range n {
		pos := r.pos + i
		k, off := pos/sparseStride, pos%sparseStride
		p[i] = 0
		if k < sparseChunks && off < sparseChunk {
			p[i] = byte(k+off)%251 + 1
		}
	}
	r.pos += n
	return int(n), nil
}

// stage stages entries() in a new directory and archives it with GNU tar.
// It returns the directory and the tar's tree.
func stage(t testing.TB) (string, *rootfs.Tree) {
	t.Helper()
	oracle.Root(t, "staging device nodes and owners")
	oracle.Tool(t, "tar")
	dir := filepath.Join(t.TempDir(), "stage")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rootfstest.Stage(t, dir, entries())
	tarball := filepath.Join(t.TempDir(), "stage.tar")
	rootfstest.Run(t, dir, "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--sort=name", "-cf", tarball, ".")
	tr, err := rootfs.FromTar(tarball, "")
	if err != nil {
		t.Fatal(err)
	}
	return dir, tr
}

// mkfs makes an image of dir with mke2fs and returns its path.
func mkfs(t testing.TB, dir, size string, args ...string) string {
	t.Helper()
	mke2fs := oracle.Tool(t, "mke2fs")
	img := filepath.Join(t.TempDir(), "rootfs.ext4")
	args = append(append([]string{"-q", "-F"}, args...), "-d", dir, img, size)
	if out, err := exec.Command(mke2fs, args...).CombinedOutput(); err != nil {
		t.Fatalf("mke2fs %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return img
}

// reindex hashes the large directories of img with e2fsck -fD, which
// exits 1 when it changed the filesystem (as it does here), then checks
// with e2fsck -fn that the result is clean.
func reindex(t testing.TB, img string) {
	t.Helper()
	e2fsck := oracle.Tool(t, "e2fsck")
	out, err := exec.Command(e2fsck, "-fyD", img).CombinedOutput()
	if exit, ok := err.(*exec.ExitError); err != nil && (!ok || exit.ExitCode() != 1) {
		t.Fatalf("e2fsck -fyD %s: %v\n%s", img, err, out)
	}
	if out, err := exec.Command(e2fsck, "-fn", img).CombinedOutput(); err != nil {
		t.Fatalf("e2fsck -fn %s after -fyD: %v\n%s", img, err, out)
	}
}

// debugfs runs debugfs requests on img and returns its output.
func debugfs(t testing.TB, img string, requests ...string) string {
	t.Helper()
	return runDebugfs(t, img, false, requests)
}

// debugfsWrite runs debugfs requests that change img.
func debugfsWrite(t testing.TB, img string, requests ...string) string {
	t.Helper()
	return runDebugfs(t, img, true, requests)
}

func runDebugfs(t testing.TB, img string, write bool, requests []string) string {
	t.Helper()
	args := []string{"-f", "-", img}
	if write {
		args = append([]string{"-w"}, args...)
	}
	cmd := exec.Command(oracle.Tool(t, "debugfs"), args...)
	cmd.Stdin = strings.NewReader(strings.Join(requests, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("debugfs %s: %v", img, err)
	}
	return string(out)
}

// without returns t less the entries of kind k.
func without(t testing.TB, tr *rootfs.Tree, k rootfs.Kind) *rootfs.Tree {
	t.Helper()
	drop := map[string]bool{}
	for _, e := range tr.Entries {
		if e.Kind == k {
			drop[e.Path] = true
		}
	}
	return tr.Without(drop)
}

// openFS opens an image for the tests that look at its structures.
func openFS(t testing.TB, src rootfs.Source) *fsys {
	t.Helper()
	ra, _, err := src.ReaderAt()
	if err != nil {
		t.Fatal(err)
	}
	f := newFS(src, ra)
	if f.size, err = rootfs.ReaderSize(ra); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, superSize)
	if err := f.readAt(b, superOffset); err != nil {
		t.Fatal(err)
	}
	if f.sb, err = parseSuper(b, f.size); err != nil {
		t.Fatal(err)
	}
	f.budget = 1 << 62
	return f
}

// inodeOf returns the inode number of p in the image src holds.
func inodeOf(t testing.TB, src rootfs.Source, p string) uint32 {
	t.Helper()
	_, inos, err := read(src, true)
	if err != nil {
		t.Fatal(err)
	}
	ino, ok := inos[p]
	if !ok {
		t.Fatalf("%s: no %s", src.Name, p)
	}
	return ino
}
