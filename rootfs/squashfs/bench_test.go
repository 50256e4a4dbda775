package squashfs

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"

	"github.com/firmwright/firmwright/internal/oracle"
)

// hostTree reads host paths into a tree: sources maps a name at the
// tree's root to a host file or directory.
func hostTree(tb testing.TB, sources map[string]string) (*rootfs.Tree, int64) {
	tb.Helper()
	t := &rootfs.Tree{Entries: []*rootfs.Entry{{Path: ".", Kind: rootfs.Dir, Mode: 0o755}}}
	var total int64
	for name, src := range sources {
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if name == "" && rel == "." {
				return nil // the root entry is already there
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			e := &rootfs.Entry{Path: path.Join(name, filepath.ToSlash(rel)), Mode: fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky),
				ModTime: fi.ModTime()} // root-owned, like -all-root
			switch {
			case fi.IsDir():
				e.Kind = rootfs.Dir
			case fi.Mode().IsRegular():
				e.Kind, e.Size = rootfs.File, fi.Size()
				e.Open = func() (io.ReadCloser, error) { return os.Open(p) }
				total += fi.Size()
			case fi.Mode()&fs.ModeSymlink != 0:
				e.Kind = rootfs.Symlink
				if e.Link, err = os.Readlink(p); err != nil {
					return err
				}
			default:
				return nil
			}
			t.Entries = append(t.Entries, e)
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	t.Sort()
	return t, total
}

// BenchmarkVersusMksquashfs writes a realistic ~60 MB tree (Go's
// src/cmd: thousands of small sources and test data) with our writer and with mksquashfs from the same files on
// disk, both on all cores, and reports both times and their ratio.
//
//	go test ./rootfs/squashfs -run '^$' -bench VersusMksquashfs -benchtime 3x
func BenchmarkVersusMksquashfs(b *testing.B) {
	mksquashfs := oracle.Tool(b, "mksquashfs")
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	// One source: its contents are the image's root, as for mksquashfs.
	sources := map[string]string{"": filepath.Join(goroot, "src", "cmd")}
	tree, total := hostTree(b, sources)
	for _, comp := range compressions {
		b.Run(comp, func(b *testing.B) {
			dir := b.TempDir()
			ours, theirs := filepath.Join(dir, "ours.sqfs"), filepath.Join(dir, "mksquashfs.sqfs")
			var oursTime, theirTime time.Duration
			for b.Loop() {
				start := time.Now()
				f, err := os.Create(ours)
				if err != nil {
					b.Fatal(err)
				}
				if err := Write(f, tree, Options{Compression: comp}); err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
				oursTime += time.Since(start)

				start = time.Now()
				// The command line: no xattrs and root-owned on
				// both sides, 128 KiB blocks.
				cmd := exec.Command(mksquashfs, sources[""], theirs,
					"-noappend", "-no-xattrs", "-all-root", "-comp", comp, "-b", "131072", "-no-progress", "-quiet")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("mksquashfs: %v\n%s", err, out)
				}
				theirTime += time.Since(start)
			}
			n := float64(b.N)
			b.ReportMetric(float64(total)/1e6, "input-MB")
			b.ReportMetric(oursTime.Seconds()/n, "ours-s/op")
			b.ReportMetric(theirTime.Seconds()/n, "mksquashfs-s/op")
			b.ReportMetric(oursTime.Seconds()/theirTime.Seconds(), "time-ratio")
			b.ReportMetric(float64(fileSize(b, ours))/1e6, "ours-MB")
			b.ReportMetric(float64(fileSize(b, theirs))/1e6, "mksquashfs-MB")
			b.ReportMetric(float64(fileSize(b, ours))/float64(fileSize(b, theirs)), "size-ratio")
		})
	}
}

func fileSize(tb testing.TB, p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}
