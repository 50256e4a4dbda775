package ext4

import (
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
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// benchBytes is the size of the base the benchmark makes.
const benchBytes = 100 << 20

// BenchmarkExt4VersusTar turns a ~100 MB base into SquashFS from an ext4
// image and from a tar of the same files, side by side: the time of
// each (reading the tree, then writing the image), their ratio, and the
// ratio of reading alone (the tree and every file's contents).
//
//	go test ./rootfs/ext4 -run '^$' -bench Ext4VersusTar -benchtime 3x
func BenchmarkExt4VersusTar(b *testing.B) {
	oracle.Tool(b, "tar")
	dir := b.TempDir()
	stage := filepath.Join(dir, "stage")
	if n := copyHostFiles(b, stage); n < benchBytes*8/10 {
		b.Skipf("only %d MB of host files to copy", n>>20)
	}
	img := mkfs(b, stage, "400M", "-t", "ext4", "-b", "4096", "-O", "^64bit")
	tarball := filepath.Join(dir, "base.tar")
	rootfstest.Run(b, stage, "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-cf", tarball, ".")
	fromExt := func() (*rootfs.Tree, error) { return ReadFile(img) }
	fromTar := func() (*rootfs.Tree, error) { return rootfs.FromTar(tarball, "") }
	out := filepath.Join(dir, "out.squashfs")
	var ext, tar, extRead, tarRead time.Duration
	for b.Loop() {
		ext += timed(b, func() { toSquashFS(b, fromExt, out) })
		tar += timed(b, func() { toSquashFS(b, fromTar, out) })
		extRead += timed(b, func() { readContents(b, fromExt) })
		tarRead += timed(b, func() { readContents(b, fromTar) })
	}
	n := float64(b.N)
	b.ReportMetric(ext.Seconds()/n, "ext-s/op")
	b.ReportMetric(tar.Seconds()/n, "tar-s/op")
	b.ReportMetric(ext.Seconds()/tar.Seconds(), "time-ratio")
	b.ReportMetric(extRead.Seconds()/tarRead.Seconds(), "read-ratio")
}

func timed(b *testing.B, f func()) time.Duration {
	b.Helper()
	start := time.Now()
	f()
	return time.Since(start)
}

// toSquashFS reads a tree and writes it into SquashFS at out.
func toSquashFS(b *testing.B, read func() (*rootfs.Tree, error), out string) {
	b.Helper()
	tr, err := read()
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := squashfs.Write(f, tr, squashfs.Options{}); err != nil {
		b.Fatal(err)
	}
}

// readContents reads a tree and every file's contents.
func readContents(b *testing.B, read func() (*rootfs.Tree, error)) {
	b.Helper()
	tr, err := read()
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range tr.Entries {
		if e.Open == nil {
			continue
		}
		r, err := e.Open()
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, r)
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// copyHostFiles copies directories, regular files and symlinks of the Go
// tree and /usr into dst until it holds benchBytes, and returns how much
// it copied.
func copyHostFiles(b *testing.B, dst string) int64 {
	b.Helper()
	var total int64
	goroot, _ := exec.Command("go", "env", "GOROOT").Output()
	for _, src := range []string{strings.TrimSpace(string(goroot)), "/usr/share", "/usr/lib"} {
		if src == "" {
			continue
		}
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || total >= benchBytes {
				return filepath.SkipDir
			}
			rel, _ := filepath.Rel("/", p)
			to := filepath.Join(dst, rel)
			n, err := copyHostFile(p, to, d)
			total += n
			return err
		})
		if err != nil && err != filepath.SkipDir {
			b.Fatal(err)
		}
	}
	return total
}

func copyHostFile(from, to string, d fs.DirEntry) (int64, error) {
	switch {
	case d.IsDir():
		return 0, os.MkdirAll(to, 0o755)
	case d.Type()&fs.ModeSymlink != 0:
		target, err := os.Readlink(from)
		if err != nil {
			return 0, nil
		}
		return 0, os.Symlink(target, to)
	case !d.Type().IsRegular():
		return 0, nil
	}
	in, err := os.Open(from)
	if err != nil {
		return 0, nil // unreadable: left out
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}
