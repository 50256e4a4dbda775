package squashfs

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
)

// memImage is an in-memory io.WriterAt.
type memImage struct{ b []byte }

func (m *memImage) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	return copy(m.b[off:], p), nil
}

func writeMem(t testing.TB, tree *rootfs.Tree, opts Options) []byte {
	t.Helper()
	var m memImage
	if err := Write(&m, tree, opts); err != nil {
		t.Fatal(err)
	}
	return m.b
}

// TestDeterministic checks that the same tree gives the same bytes, run
// after run and whatever the number of workers.
func TestDeterministic(t *testing.T) {
	tree := fullTree()
	for _, comp := range compressions {
		t.Run(comp, func(t *testing.T) {
			want := writeMem(t, tree, Options{Compression: comp, Workers: 1})
			if len(want)%imagePadding != 0 {
				t.Errorf("image of %d bytes is not padded to %d", len(want), imagePadding)
			}
			for _, workers := range []int{4, 4, 3} {
				if got := writeMem(t, tree, Options{Compression: comp, Workers: workers}); !bytes.Equal(got, want) {
					t.Fatalf("%d workers: output differs from 1 worker", workers)
				}
			}
		})
	}
}

// TestDuplicatesStoredOnce checks that identical contents take space
// once: a tree with ten copies of a file is hardly larger than with one.
func TestDuplicatesStoredOnce(t *testing.T) {
	data := randomData(newRand(3), 500000)
	one := newTreeBuilder(time.Unix(0, 0))
	one.file("a", 0o644, data)
	ten := newTreeBuilder(time.Unix(0, 0))
	for _, name := range strings.Split("a b c d e f g h i j", " ") {
		ten.file(name, 0o644, data)
	}
	a, b := len(writeMem(t, one.tree(), Options{})), len(writeMem(t, ten.tree(), Options{}))
	if b > a+imagePadding {
		t.Fatalf("10 copies: %d bytes, 1 copy: %d", b, a)
	}
}

// TestLargeFileStreams writes a 1 GiB file, generated as it is read, and
// checks that memory stays bounded: the writer must not hold file data.
func TestLargeFileStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("1 GiB")
	}
	const size = 1 << 30
	b := newTreeBuilder(time.Unix(0, 0))
	b.add(&rootfs.Entry{Path: "big", Kind: rootfs.File, Mode: 0o644, Size: size,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(&patternReader{}, size)), nil }})
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak.Store(max(peak.Load(), ms.HeapInuse))
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	var out countingWriterAt
	err := Write(&out, b.tree(), Options{Compression: "lz4", BlockSize: 1 << 20})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1 GiB file: %d byte image, peak heap in use %d MiB", out.size, peak.Load()>>20)
	if peak.Load() > 200<<20 {
		t.Fatalf("peak heap %d MiB while writing a 1 GiB file", peak.Load()>>20)
	}
}

// patternReader yields data that compresses but is not all zeros.
type patternReader struct{ n uint64 }

func (r *patternReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.n>>3) ^ byte(r.n>>17)
		r.n++
	}
	return len(p), nil
}

type countingWriterAt struct{ size int64 }

func (w *countingWriterAt) WriteAt(p []byte, off int64) (int, error) {
	w.size = max(w.size, off+int64(len(p)))
	return len(p), nil
}

// TestErrors checks that bad trees and options are refused, naming the
// path and the problem.
func TestErrors(t *testing.T) {
	root := &rootfs.Entry{Path: ".", Kind: rootfs.Dir, Mode: 0o755}
	short := &rootfs.Entry{Path: "short", Kind: rootfs.File, Size: 10, Open: bytesOpener([]byte("abc"))}
	long := &rootfs.Entry{Path: "long", Kind: rootfs.File, Size: 2, Open: bytesOpener([]byte("abc"))}
	failing := &rootfs.Entry{Path: "failing", Kind: rootfs.File, Size: 2, Open: func() (io.ReadCloser, error) { return nil, errors.New("disk on fire") }}
	cases := []struct {
		name    string
		entries []*rootfs.Entry
		opts    Options
		want    string
	}{
		{"no root", []*rootfs.Entry{{Path: "a", Kind: rootfs.Dir}}, Options{}, `no root directory`},
		{"orphan", []*rootfs.Entry{root, {Path: "a/b", Kind: rootfs.FIFO}}, Options{}, `a/b: parent "a" is not a directory`},
		{"short file", []*rootfs.Entry{root, short}, Options{}, "short: file has only 3 of its 10 bytes"},
		{"long file", []*rootfs.Entry{root, long}, Options{}, "long: file has more than its 2 bytes"},
		{"open fails", []*rootfs.Entry{root, failing}, Options{}, "failing: disk on fire"},
		{"bad xattr", []*rootfs.Entry{root, {Path: "x", Kind: rootfs.FIFO, Xattrs: map[string][]byte{"system.posix_acl_access": nil}}}, Options{}, `x: extended attribute "system.posix_acl_access"`},
		{"hardlink to dir", []*rootfs.Entry{root, {Path: "d", Kind: rootfs.Dir}, {Path: "l", Kind: rootfs.Hardlink, Link: "d"}}, Options{}, "l: hard link to directory d"},
		{"dangling hardlink", []*rootfs.Entry{root, {Path: "l", Kind: rootfs.Hardlink, Link: "nowhere"}}, Options{}, `l: hard link target "nowhere"`},
		{"duplicate path", []*rootfs.Entry{root, {Path: "f", Kind: rootfs.FIFO}, {Path: "f", Kind: rootfs.FIFO}}, Options{}, "f: path appears twice"},
		{"device too big", []*rootfs.Entry{root, {Path: "d", Kind: rootfs.CharDevice, DevMajor: 4096}}, Options{}, "d: device 4096,0"},
		{"long name", []*rootfs.Entry{root, {Path: strings.Repeat("n", 257), Kind: rootfs.FIFO}}, Options{}, "name is 257 bytes"},
		{"old time", []*rootfs.Entry{root, {Path: "f", Kind: rootfs.FIFO, ModTime: time.Unix(-5, 0)}}, Options{}, "f: time 1969"},
		{"block size", []*rootfs.Entry{root}, Options{BlockSize: 3000}, "block size 3000"},
		{"compression", []*rootfs.Entry{root}, Options{Compression: "lzo"}, `unknown compression "lzo"`},
		{"gzip level", []*rootfs.Entry{root}, Options{Level: 13}, "gzip level 13 is outside 1..12"},
		{"xz level", []*rootfs.Entry{root}, Options{Compression: "xz", Level: 6}, "xz has no compression levels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Write(&memImage{}, &rootfs.Tree{Entries: c.entries}, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestDataOrder checks that Order puts the named files' data first, a
// directory standing for its files, and the rest after in tree order.
func TestDataOrder(t *testing.T) {
	b := newTreeBuilder(time.Unix(0, 0))
	for _, p := range []string{"a", "b", "c", "etc/x", "etc/y", "sbin/init"} {
		if strings.Contains(p, "/") {
			if b.lookup(p[:strings.Index(p, "/")]) == nil {
				b.dir(p[:strings.Index(p, "/")], 0o755)
			}
		}
		b.file(p, 0o644, []byte(p))
	}
	b.add(&rootfs.Entry{Path: "hl", Kind: rootfs.Hardlink, Link: "c"})
	ft, err := buildTree(b.tree(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ino := range dataOrder(ft, []string{"sbin/init", "missing", "hl", "etc", "sbin/init"}) {
		got = append(got, ino.entry.Path)
	}
	want := "sbin/init c etc/x etc/y a b"
	if strings.Join(got, " ") != want {
		t.Fatalf("order %q, want %q", got, want)
	}
}
