package squashfs

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
)

// treeBuilder makes test trees.
type treeBuilder struct {
	entries []*rootfs.Entry
	mtime   time.Time
}

func newTreeBuilder(mtime time.Time) *treeBuilder {
	b := &treeBuilder{mtime: mtime}
	b.add(&rootfs.Entry{Path: ".", Kind: rootfs.Dir, Mode: 0o755})
	return b
}

func (b *treeBuilder) add(e *rootfs.Entry) *rootfs.Entry {
	if e.ModTime.IsZero() {
		e.ModTime = b.mtime
	}
	b.entries = append(b.entries, e)
	return e
}

func (b *treeBuilder) dir(p string, mode fs.FileMode) *rootfs.Entry {
	return b.add(&rootfs.Entry{Path: p, Kind: rootfs.Dir, Mode: mode})
}

func (b *treeBuilder) file(p string, mode fs.FileMode, data []byte) *rootfs.Entry {
	return b.add(&rootfs.Entry{Path: p, Kind: rootfs.File, Mode: mode, Size: int64(len(data)), Open: bytesOpener(data)})
}

func (b *treeBuilder) tree() *rootfs.Tree {
	t := &rootfs.Tree{Entries: b.entries}
	t.Sort()
	return t
}

func bytesOpener(data []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

// textData is compressible, text-like pseudo-random data.
func textData(r *rand.Rand, n int) []byte {
	words := []string{"squashfs", "nerves", "firmware", "erlang", "beam", "kernel", "block", "inode", "\n", "the", "of", "0x1f", "{", "}"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.Bytes()[:n]
}

// randomData does not compress.
func randomData(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// fullTree has every kind of entry and every layout case the writer
// handles, at the default 128 KiB block size: empty files, a 10,000-entry
// directory, deep paths, hard links, setuid/setgid/sticky, extended
// attributes on every kind, a multi-block file with a tail, a file of
// whole blocks, zero blocks, incompressible data, duplicates and several
// owners. Some mtimes lie after 1700000000, for clamping tests.
func fullTree() *rootfs.Tree {
	r := rand.New(rand.NewPCG(1, 2))
	b := newTreeBuilder(time.Unix(1600000000, 0))
	later := time.Unix(1800000000, 0)
	const bs = 128 << 10

	b.dir("bin", 0o755)
	b.file("bin/busybox", 0o755|fs.ModeSetuid, textData(r, 3*bs+1234))
	b.add(&rootfs.Entry{Path: "bin/sh", Kind: rootfs.Symlink, Mode: 0o777, Link: "busybox"})
	b.add(&rootfs.Entry{Path: "bin/ash", Kind: rootfs.Hardlink, Link: "bin/busybox"})
	b.add(&rootfs.Entry{Path: "bin/ls", Kind: rootfs.Hardlink, Link: "bin/busybox"})
	ping := b.file("bin/ping", 0o755, textData(r, 5000))
	ping.Xattrs = map[string][]byte{"security.capability": {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}
	b.file("bin/sgid", 0o2755, textData(r, 100))

	b.dir("dev", 0o755)
	b.add(&rootfs.Entry{Path: "dev/console", Kind: rootfs.CharDevice, Mode: 0o600, DevMajor: 5, DevMinor: 1})
	b.add(&rootfs.Entry{Path: "dev/ttyS300", Kind: rootfs.CharDevice, Mode: 0o660, GID: 5, DevMajor: 4, DevMinor: 300})
	b.add(&rootfs.Entry{Path: "dev/mmcblk0p1", Kind: rootfs.BlockDevice, Mode: 0o660, GID: 6, DevMajor: 179, DevMinor: 1})
	b.add(&rootfs.Entry{Path: "dev/big", Kind: rootfs.BlockDevice, Mode: 0o600, DevMajor: 0xfff, DevMinor: 0xfffff})
	b.add(&rootfs.Entry{Path: "dev/initctl", Kind: rootfs.FIFO, Mode: 0o600})
	b.add(&rootfs.Entry{Path: "dev/log", Kind: rootfs.Socket, Mode: 0o666})
	b.add(&rootfs.Entry{Path: "dev/labelled-fifo", Kind: rootfs.FIFO, Mode: 0o640,
		Xattrs: map[string][]byte{"security.test": []byte("fifo")}})
	b.add(&rootfs.Entry{Path: "dev/labelled-tty", Kind: rootfs.CharDevice, Mode: 0o640, DevMajor: 4, DevMinor: 64,
		Xattrs: map[string][]byte{"security.test": []byte("tty")}})
	b.add(&rootfs.Entry{Path: "dev/labelled-sock", Kind: rootfs.Socket, Mode: 0o640,
		Xattrs: map[string][]byte{"security.test": []byte("sock")}})
	b.add(&rootfs.Entry{Path: "dev/labelled-link", Kind: rootfs.Symlink, Mode: 0o777, Link: "console",
		Xattrs: map[string][]byte{"security.test": []byte("link")}})

	etc := b.dir("etc", 0o755)
	etc.Xattrs = map[string][]byte{"user.dir": []byte("etc"), "trusted.overlay.opaque": []byte("y")}
	b.file("etc/empty", 0o644, nil)
	b.file("etc/empty2", 0o600, nil)
	b.file("etc/hostname", 0o644, []byte("nerves\n"))
	b.file("etc/hostname.copy", 0o644, []byte("nerves\n")) // a duplicate small file
	b.file("etc/shadow", 0o640, textData(r, 700)).GID = 42
	b.file("etc/later", 0o644, []byte("from the future\n")).ModTime = later
	b.add(&rootfs.Entry{Path: "etc/later-link", Kind: rootfs.Symlink, Mode: 0o777, Link: "later", ModTime: later})
	attrs := b.file("etc/attrs", 0o644, textData(r, 300))
	attrs.Xattrs = map[string][]byte{"user.a": []byte("1"), "user.empty": {}, "user.big": bytes.Repeat([]byte("v"), 3000)}
	attrs2 := b.file("etc/attrs2", 0o644, textData(r, 300))
	attrs2.Xattrs = map[string][]byte{"user.a": []byte("1"), "user.empty": {}, "user.big": bytes.Repeat([]byte("v"), 3000)}

	b.dir("tmp", 0o1777)
	b.dir("srv", 0o755).ModTime = later
	b.dir("srv/erlang", 0o750).UID = 1000
	big := textData(r, 9*bs+777)
	b.file("srv/erlang/big.beam", 0o644, big).UID = 1000
	b.file("srv/erlang/big-copy.beam", 0o644, big).UID = 1000 // a duplicate with a tail
	b.file("srv/erlang/whole-blocks", 0o644, textData(r, 4*bs))
	b.file("srv/erlang/random", 0o644, randomData(r, 2*bs+10))
	b.file("srv/erlang/random-small", 0o644, randomData(r, 3000))
	holes := make([]byte, 5*bs+100)
	copy(holes[2*bs:], "data between holes")
	b.file("srv/erlang/holes", 0o644, holes)
	b.file("srv/erlang/all-zero", 0o644, make([]byte, 2*bs))

	// Deep paths.
	deep := "deep"
	b.dir(deep, 0o755)
	for i := range 40 {
		deep += fmt.Sprintf("/level%02d", i)
		b.dir(deep, 0o755)
	}
	b.file(deep+"/bottom", 0o644, []byte("bottom\n"))

	// A big directory: its listing spans many metadata blocks and gets an
	// index.
	b.dir("many", 0o755)
	for i := range 10000 {
		name := fmt.Sprintf("many/entry-with-a-longish-name-%05d", i)
		switch i % 20 {
		case 0:
			b.file(name, 0o644, fmt.Appendf(nil, "file %d\n", i%300))
		case 1:
			b.file(name, 0o644, nil)
		case 2, 3, 4, 5, 6, 7, 8, 9, 10:
			b.add(&rootfs.Entry{Path: name, Kind: rootfs.Symlink, Mode: 0o777, Link: fmt.Sprintf("target-%d", i)})
		default:
			b.dir(name, 0o700).GID = uint32(i % 7)
		}
	}
	return b.tree()
}

// materialize describes t to mksquashfs as a pseudo file (-pf) of
// definitions with every entry's mode, owner and time, so that mksquashfs
// builds the same tree without root: directories, symlinks, devices,
// FIFOs, sockets and hard links are made by definitions, and files read
// their contents (written under dir) with cat. Build it from an empty
// source directory, which emptySource gives. Pseudo "M" definitions on
// materialized files would be simpler, but mksquashfs 4.5 ignores those
// under a directory that has one. Extended attributes are left out:
// unsquashfs -lln does not show them. The root's metadata goes in
// mksquashfs's -root-* options, which rootOptions returns.
func materialize(t testing.TB, tree *rootfs.Tree, dir string) (pseudo string, rootOptions []string) {
	t.Helper()
	var pf strings.Builder
	for i, e := range tree.Entries {
		mode := unixPermissions(e.Mode)
		mtime := e.ModTime.Unix()
		if e.Path == "." {
			rootOptions = []string{"-root-mode", fmt.Sprintf("%o", mode), "-root-uid", fmt.Sprint(e.UID),
				"-root-gid", fmt.Sprint(e.GID), "-root-time", fmt.Sprint(mtime)}
			continue
		}
		meta := fmt.Sprintf("%d %o %d %d", mtime, mode, e.UID, e.GID)
		switch e.Kind {
		case rootfs.Dir:
			fmt.Fprintf(&pf, "%s D %s\n", e.Path, meta)
		case rootfs.File:
			data, err := readAll(e)
			if err != nil {
				t.Fatal(err)
			}
			content := filepath.Join(dir, fmt.Sprint(i))
			if err := os.WriteFile(content, data, 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&pf, "%s F %s cat %s\n", e.Path, meta, content)
		case rootfs.Symlink:
			fmt.Fprintf(&pf, "%s S %s %s\n", e.Path, meta, e.Link)
		case rootfs.CharDevice:
			fmt.Fprintf(&pf, "%s C %s %d %d\n", e.Path, meta, e.DevMajor, e.DevMinor)
		case rootfs.BlockDevice:
			fmt.Fprintf(&pf, "%s B %s %d %d\n", e.Path, meta, e.DevMajor, e.DevMinor)
		case rootfs.FIFO:
			fmt.Fprintf(&pf, "%s I %s f\n", e.Path, meta)
		case rootfs.Socket:
			fmt.Fprintf(&pf, "%s I %s s\n", e.Path, meta)
		}
	}
	// Hard links last, once what they link to is defined.
	for _, e := range tree.Entries {
		if e.Kind == rootfs.Hardlink {
			fmt.Fprintf(&pf, "%s L %s\n", e.Path, resolve(tree, e).Path)
		}
	}
	pseudo = filepath.Join(dir, "pseudo")
	if err := os.WriteFile(pseudo, []byte(pf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return pseudo, rootOptions
}

func readAll(e *rootfs.Entry) ([]byte, error) {
	if e.Open == nil {
		return nil, nil
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// writeImage writes t with opts to a file in a temporary directory.
func writeImage(t testing.TB, tree *rootfs.Tree, opts Options) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "ours.sqfs")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Write(f, tree, opts); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return img
}

// resolve follows hard links to the entry that has the metadata.
func resolve(tree *rootfs.Tree, e *rootfs.Entry) *rootfs.Entry {
	for e.Kind == rootfs.Hardlink {
		e = tree.Lookup(e.Link)
	}
	return e
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }
