package squashfs

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/firmwright/firmwright/rootfs"

	"github.com/firmwright/firmwright/internal/oracle"
)

var compressions = []string{"gzip", "zstd", "xz", "lz4"}

// mksquashfsImage builds the image of a materialized tree with the
// reference implementation.
func mksquashfsImage(t testing.TB, pseudo string, rootOptions []string, comp string, blockSize int, epoch *time.Time) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "mksquashfs.sqfs")
	args := []string{t.TempDir(), img, "-noappend", "-no-progress", "-quiet", "-comp", comp,
		"-b", fmt.Sprint(blockSize), "-pf", pseudo}
	args = append(args, rootOptions...)
	cmd := exec.Command(oracle.Tool(t, "mksquashfs"), args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	if epoch != nil {
		cmd.Env = append(cmd.Env, fmt.Sprintf("SOURCE_DATE_EPOCH=%d", epoch.Unix()))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mksquashfs: %v\n%s", err, out)
	}
	return img
}

// lsLine is "perm owner/group size date time name[ -> target]".
var lsLine = regexp.MustCompile(`^(\S+) (\d+/\d+) +(\d+|-?\d+, *-?\d+) (\d{4}-\d\d-\d\d \d\d:\d\d) (.*)$`)

// listing returns `unsquashfs -lln` of an image, one line per entry with
// single spaces, and directory sizes dropped: they depend on how the
// listing's headers fall, which depends on where each writer put the
// inodes.
func listing(t testing.TB, img string) []string {
	t.Helper()
	cmd := exec.Command(oracle.Tool(t, "unsquashfs"), "-lln", img)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("unsquashfs -lln %s: %v", img, err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		m := lsLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("unsquashfs -lln: unexpected line %q", l)
		}
		size := strings.ReplaceAll(m[3], " ", "")
		if strings.HasPrefix(m[1], "d") {
			size = "-"
		}
		lines = append(lines, strings.Join([]string{m[1], m[2], size, m[4], m[5]}, " "))
	}
	return lines
}

func compareListings(t *testing.T, ours, theirs []string) {
	t.Helper()
	if slices.Equal(ours, theirs) {
		return
	}
	shown := 0
	for i := 0; i < max(len(ours), len(theirs)) && shown < 10; i++ {
		var a, b string
		if i < len(ours) {
			a = ours[i]
		}
		if i < len(theirs) {
			b = theirs[i]
		}
		if a != b {
			t.Errorf("line %d:\n ours:       %s\n mksquashfs: %s", i, a, b)
			shown++
		}
	}
	t.Fatalf("listings differ (%d vs %d lines)", len(ours), len(theirs))
}

// checkExtraction extracts img with unsquashfs and compares every file's
// contents and extended attributes, and every symlink's target, with the
// tree.
func checkExtraction(t *testing.T, tree *rootfs.Tree, img string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "x")
	cmd := exec.Command(oracle.Tool(t, "unsquashfs"), "-no-progress", "-d", dir, img)
	out, err := cmd.CombinedOutput()
	asRoot := os.Geteuid() == 0
	if err != nil && asRoot {
		t.Fatalf("unsquashfs -d: %v\n%s", err, out)
	}
	for _, e := range tree.Entries {
		p := filepath.Join(dir, filepath.FromSlash(e.Path))
		src := resolve(tree, e)
		switch src.Kind {
		case rootfs.File:
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := readAll(src)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: extracted contents differ (%d bytes, want %d)", e.Path, len(got), len(want))
			}
		case rootfs.Symlink:
			got, err := os.Readlink(p)
			if err != nil || got != src.Link {
				t.Fatalf("%s: extracted link %q, %v; want %q", e.Path, got, err, src.Link)
			}
		default:
			continue
		}
		if asRoot {
			checkXattrs(t, e.Path, p, src.Xattrs)
		}
	}
}

// checkXattrs compares a file's extended attributes with want.
func checkXattrs(t *testing.T, name, p string, want map[string][]byte) {
	t.Helper()
	got, err := readXattrs(p)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: xattrs %q, want %q", name, got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !bytes.Equal(g, v) {
			t.Fatalf("%s: xattr %s = %q, want %q", name, k, g, v)
		}
	}
}

// readXattrs reads all extended attributes of p, not following symlinks.
func readXattrs(p string) (map[string][]byte, error) {
	buf := make([]byte, 1<<16)
	n, err := unix.Llistxattr(p, buf)
	if err != nil {
		return nil, fmt.Errorf("llistxattr: %w", err)
	}
	attrs := make(map[string][]byte)
	for name := range strings.SplitSeq(string(buf[:n]), "\x00") {
		if name == "" {
			continue
		}
		v := make([]byte, 1<<16)
		m, err := unix.Lgetxattr(p, name, v)
		if errors.Is(err, unix.ENODATA) {
			continue // listed by some file systems for kinds that cannot have them
		}
		if err != nil {
			return nil, fmt.Errorf("lgetxattr %s: %w", name, err)
		}
		attrs[name] = v[:m]
	}
	return attrs, nil
}

// TestMatchesMksquashfs writes the full tree with every compressor and
// checks that unsquashfs lists exactly what it lists for mksquashfs's
// image of the same tree, and extracts every file unchanged. The listing
// does not depend on the compressor, so one mksquashfs image serves all.
func TestMatchesMksquashfs(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	oracle.Tool(t, "unsquashfs")
	tree := fullTree()
	pseudo, rootOptions := materialize(t, tree, t.TempDir())
	want := listing(t, mksquashfsImage(t, pseudo, rootOptions, "gzip", defaultBlockSize, nil))
	for _, comp := range compressions {
		t.Run(comp, func(t *testing.T) {
			t.Parallel()
			ours := writeImage(t, tree, Options{Compression: comp})
			compareListings(t, listing(t, ours), want)
			checkExtraction(t, tree, ours)
		})
	}
}

// TestSourceDateEpoch checks ModTime against mksquashfs with
// SOURCE_DATE_EPOCH: the same clamped inode times and creation time.
func TestSourceDateEpoch(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	oracle.Tool(t, "unsquashfs")
	tree := fullTree()
	pseudo, rootOptions := materialize(t, tree, t.TempDir())
	epoch := time.Unix(1700000000, 0)
	ours := writeImage(t, tree, Options{ModTime: &epoch})
	theirs := mksquashfsImage(t, pseudo, rootOptions, "gzip", defaultBlockSize, &epoch)
	ourList, theirList := listing(t, ours), listing(t, theirs)
	compareListings(t, ourList, theirList)
	if !slices.ContainsFunc(ourList, func(l string) bool {
		return strings.HasSuffix(l, "etc/later") && strings.Contains(l, " 2023-11-14 22:13 ")
	}) {
		t.Errorf("etc/later not clamped to the epoch:\n%s", strings.Join(ourList, "\n"))
	}
	for _, img := range []string{ours, theirs} {
		if got := mkfsTime(t, img); got != uint32(epoch.Unix()) {
			t.Errorf("%s: mkfs_time %d, want %d", filepath.Base(img), got, epoch.Unix())
		}
	}
}

func mkfsTime(t testing.TB, img string) uint32 {
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return binary.LittleEndian.Uint32(b[8:])
}

// TestLayoutVariants covers other block sizes, levels and fragment
// settings on a smaller tree.
func TestLayoutVariants(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	oracle.Tool(t, "unsquashfs")
	tree := smallTree(7)
	pseudo, rootOptions := materialize(t, tree, t.TempDir())
	variants := []Options{
		{BlockSize: 4096},
		{BlockSize: 1 << 20, Compression: "zstd", Level: 3},
		{NoFragments: true, Compression: "lz4", Level: 9},
		{NoTailEnds: true, Compression: "gzip", Level: 1},
		{BlockSize: 16384, Compression: "xz", NoTailEnds: true},
		{BlockSize: 65536, Compression: "zstd", Level: 22, NoFragments: true},
	}
	for _, opts := range variants {
		t.Run(fmt.Sprintf("%s-%d-level%d-nofrag%v-notail%v", opts.Compression, opts.BlockSize, opts.Level, opts.NoFragments, opts.NoTailEnds), func(t *testing.T) {
			t.Parallel()
			bs := cmp.Or(opts.BlockSize, defaultBlockSize)
			comp := cmp.Or(opts.Compression, "gzip")
			ours := writeImage(t, tree, opts)
			theirs := mksquashfsImage(t, pseudo, rootOptions, comp, bs, nil)
			compareListings(t, listing(t, ours), listing(t, theirs))
			checkExtraction(t, tree, ours)
		})
	}
}
