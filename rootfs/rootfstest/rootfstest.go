package rootfstest

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs"
	"golang.org/x/sys/unix"
)

// Run runs a command in dir, failing the test if it fails.
func Run(t testing.TB, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// Sh runs a shell script in dir, failing the test if it fails.
func Sh(t testing.TB, dir, script string) { t.Helper(); Run(t, dir, "sh", "-c", script) }

// Dump renders a tree as one line per entry, with each file's contents
// hashed. A hard link renders as its File does, with the group of names
// sharing it, so trees compare equal whichever name a reader made the File.
func Dump(t testing.TB, tr *rootfs.Tree) string {
	t.Helper()
	d, err := DumpTree(tr)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// DumpTree is Dump without a test: an error when a hard link names no
// file or a file cannot be read whole (fuzzers read damaged trees).
func DumpTree(tr *rootfs.Tree) (string, error) {
	groups := map[string][]string{}
	for _, e := range tr.Entries {
		if e.Kind == rootfs.Hardlink {
			groups[e.Link] = append(groups[e.Link], e.Path)
		}
	}
	var sb strings.Builder
	for _, e := range tr.Entries {
		f, kind := e, e.Kind
		if e.Kind == rootfs.Hardlink {
			if f = tr.Lookup(e.Link); f == nil || f.Kind != rootfs.File {
				return "", fmt.Errorf("%s: hard link to %s, which is not a file in the tree", e.Path, e.Link)
			}
			kind = rootfs.File
		}
		fmt.Fprintf(&sb, "%s %s %04o %d:%d %d", e.Path, kind, rootfs.UnixPerm(e.Mode), e.UID, e.GID, e.ModTime.Unix())
		switch kind {
		case rootfs.File:
			sum, err := contentHash(f)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&sb, " size=%d sha=%s", f.Size, sum)
			if g := groups[f.Path]; len(g) > 0 {
				fmt.Fprintf(&sb, " links=%s", strings.Join(slices.Sorted(slices.Values(append(g, f.Path))), ","))
			}
		case rootfs.Symlink:
			fmt.Fprintf(&sb, " -> %s", e.Link)
		case rootfs.CharDevice, rootfs.BlockDevice:
			fmt.Fprintf(&sb, " %d,%d", e.DevMajor, e.DevMinor)
		}
		for _, k := range slices.Sorted(maps.Keys(e.Xattrs)) {
			fmt.Fprintf(&sb, " %s=%x", k, e.Xattrs[k])
		}
		sb.WriteByte('\n')
	}
	return sb.String(), nil
}

func contentHash(e *rootfs.Entry) (string, error) {
	r, err := e.Open()
	if err != nil {
		return "", fmt.Errorf("%s: %w", e.Path, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", fmt.Errorf("%s: reading: %w", e.Path, err)
	}
	if n != e.Size {
		return "", fmt.Errorf("%s: read %d bytes, Size says %d", e.Path, n, e.Size)
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:12], nil
}

// roundTripMax bounds the contents RoundTrip writes out.
const roundTripMax = 4 << 20

// RoundTrip is a fuzzers' property: a tree that was read, written out
// (write; it may refuse the tree) and read back (read) is the same tree.
// It fails the test when the second reading differs from the first or
// fails.
func RoundTrip(t *testing.T, tr *rootfs.Tree, write func(*rootfs.Tree) ([]byte, error), read func([]byte) (*rootfs.Tree, error)) {
	t.Helper()
	var size int64
	for _, e := range tr.Entries {
		size += e.Size
	}
	if size > roundTripMax {
		return // fuzzers make sparse files of gigabytes: not worth writing out
	}
	before, err := DumpTree(tr)
	if err != nil {
		return // a damaged tree is not written out
	}
	data, err := write(tr)
	if err != nil {
		return
	}
	again, err := read(data)
	if err != nil {
		t.Fatalf("what was written does not read back: %v", err)
	}
	if err := rootfs.Validate(again); err != nil {
		t.Fatal(err)
	}
	if after, err := DumpTree(again); err != nil || after != before {
		t.Fatalf("read back differs (%v):\n%s\nfirst read:\n%s", err, after, before)
	}
}

// Sample is the tree every reader test archives with real tools: every
// kind, setuid/setgid/sticky, owners, device numbers past 8 bits, hard
// links across directories, xattrs, a deep path and an empty file.
func Sample() []*rootfs.Entry {
	mt := int64(1700000000)
	var es []*rootfs.Entry
	add := func(e *rootfs.Entry) {
		mt += 7
		e.ModTime = time.Unix(mt, 0).UTC()
		es = append(es, e)
	}
	dir := func(p string, mode fs.FileMode) { add(&rootfs.Entry{Path: p, Kind: rootfs.Dir, Mode: mode}) }
	file := func(p string, mode fs.FileMode, uid, gid uint32, content string) *rootfs.Entry {
		e := &rootfs.Entry{Path: p, Kind: rootfs.File, Mode: mode, UID: uid, GID: gid, Size: int64(len(content))}
		e.Open = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }
		add(e)
		return e
	}
	deep := "usr/lib/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/" + strings.Repeat("long-directory-name-", 4)
	dir(".", 0o755)
	for _, d := range []string{"bin", "dev", "etc", "run", "usr", "usr/bin", "usr/share"} {
		dir(d, 0o755)
	}
	for d := deep; d != "usr"; d = path.Dir(d) {
		dir(d, 0o750)
	}
	dir("tmp", 0o777|fs.ModeSticky)
	dir("var", 0o775|fs.ModeSetgid)
	file("bin/busybox", 0o755|fs.ModeSetuid, 0, 0, "#!busybox\n")
	add(&rootfs.Entry{Path: "bin/sh", Kind: rootfs.Hardlink, Link: "bin/busybox"})
	add(&rootfs.Entry{Path: "usr/bin/env", Kind: rootfs.Hardlink, Link: "bin/busybox"})
	file("usr/bin/wall", 0o755|fs.ModeSetgid, 0, 5, "wall")
	ping := file("bin/ping", 0o755, 0, 0, "ping")
	ping.Xattrs = map[string][]byte{"security.capability": {1, 0, 0, 2, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}
	pw := file("etc/passwd", 0o644, 0, 0, "root:x:0:0:root:/root:/bin/sh\n")
	pw.Xattrs = map[string][]byte{"user.comment": []byte("hi")}
	file("etc/empty", 0o600, 1000, 1001, "")
	file("usr/share/big", 0o644, 1000, 1001, strings.Repeat("0123456789abcdef", 300000/16)+"tail")
	file(deep+"/deep.txt", 0o444, 0, 0, "deep")
	add(&rootfs.Entry{Path: "lib", Kind: rootfs.Symlink, Mode: 0o777, Link: "usr/lib"})
	add(&rootfs.Entry{Path: "etc/mtab", Kind: rootfs.Symlink, Mode: 0o777, Link: "/proc/mounts"})
	add(&rootfs.Entry{Path: "dev/console", Kind: rootfs.CharDevice, Mode: 0o600, DevMajor: 5, DevMinor: 1})
	add(&rootfs.Entry{Path: "dev/ttyS300", Kind: rootfs.CharDevice, Mode: 0o660, GID: 20, DevMajor: 4, DevMinor: 300})
	add(&rootfs.Entry{Path: "dev/nvme0n1", Kind: rootfs.BlockDevice, Mode: 0o660, GID: 6, DevMajor: 259, DevMinor: 70000})
	add(&rootfs.Entry{Path: "run/initctl", Kind: rootfs.FIFO, Mode: 0o620})
	add(&rootfs.Entry{Path: "run/sock", Kind: rootfs.Socket, Mode: 0o755})
	return es
}

// Expected is the tree a lossless reader returns for entries.
func Expected(t testing.TB, es []*rootfs.Entry, drop ...rootfs.Kind) *rootfs.Tree {
	t.Helper()
	b := rootfs.NewBuilder("sample")
	for _, e := range es {
		if !slices.Contains(drop, e.Kind) {
			c := *e
			b.Add(&c)
		}
	}
	tr, err := b.Tree()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// Stage creates entries under dir on the host, owners, modes, xattrs and
// times included. It needs root.
func Stage(t testing.TB, dir string, es []*rootfs.Entry) {
	t.Helper()
	tr := Expected(t, es)
	for _, e := range tr.Entries {
		p := filepath.Join(dir, e.Path)
		var err error
		switch e.Kind {
		case rootfs.Dir:
			if e.Path != "." {
				err = os.Mkdir(p, 0o700)
			}
		case rootfs.File:
			var r io.ReadCloser
			if r, err = e.Open(); err == nil {
				var data []byte
				data, _ = io.ReadAll(r)
				err = os.WriteFile(p, data, 0o600)
			}
		case rootfs.Hardlink:
			err = os.Link(filepath.Join(dir, e.Link), p)
		case rootfs.Symlink:
			err = os.Symlink(e.Link, p)
		case rootfs.CharDevice:
			err = unix.Mknod(p, unix.S_IFCHR|0o600, int(unix.Mkdev(e.DevMajor, e.DevMinor)))
		case rootfs.BlockDevice:
			err = unix.Mknod(p, unix.S_IFBLK|0o600, int(unix.Mkdev(e.DevMajor, e.DevMinor)))
		case rootfs.FIFO:
			err = unix.Mkfifo(p, 0o600)
		case rootfs.Socket:
			var l *net.UnixListener
			if l, err = net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"}); err == nil {
				l.SetUnlinkOnClose(false)
				err = l.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind == rootfs.Hardlink {
			continue
		}
		if err := os.Lchown(p, int(e.UID), int(e.GID)); err != nil {
			t.Fatal(err)
		}
		if e.Kind != rootfs.Symlink {
			if err := unix.Chmod(p, rootfs.UnixPerm(e.Mode)); err != nil {
				t.Fatal(err)
			}
		}
		for k, v := range e.Xattrs {
			if err := unix.Lsetxattr(p, k, v, 0); err != nil {
				t.Fatalf("%s: setxattr %s: %v", p, k, err)
			}
		}
	}
	// Times last, children before their directories.
	for _, e := range slices.Backward(tr.Entries) {
		if e.Kind == rootfs.Hardlink {
			continue
		}
		ts := unix.NsecToTimespec(e.ModTime.UnixNano())
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(dir, e.Path), []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			t.Fatal(err)
		}
	}
}

// StageSample stages the sample tree once per test binary.
func StageSample(t testing.TB) string {
	t.Helper()
	oracle.Root(t, "staging device nodes and owners")
	dir := filepath.Join(t.TempDir(), "stage")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	Stage(t, dir, Sample())
	return dir
}

// Compare validates got and fails the test with every line of Dump
// that differs from want.
func Compare(t testing.TB, got, want *rootfs.Tree) {
	t.Helper()
	if err := rootfs.Validate(got); err != nil {
		t.Fatal(err)
	}
	g, w := Dump(t, got), Dump(t, want)
	if g == w {
		return
	}
	gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
	for _, l := range wl {
		if !slices.Contains(gl, l) {
			t.Errorf("missing: %s", l)
		}
	}
	for _, l := range gl {
		if !slices.Contains(wl, l) {
			t.Errorf("unexpected: %s", l)
		}
	}
}

// MemTree builds a tree from a compact description, one entry a string:
// "path kind mode uid:gid [content-or-link]" with kind f, d, l (symlink),
// h (hardlink) or c (char device), e.g. "etc/passwd f 644 0:0 root:x".
func MemTree(t testing.TB, specs ...string) *rootfs.Tree {
	t.Helper()
	b := rootfs.NewBuilder("test")
	for _, s := range specs {
		f := strings.SplitN(s, " ", 5)
		if len(f) < 4 {
			t.Fatalf("bad spec %q", s)
		}
		var mode, uid, gid uint32
		fmt.Sscanf(f[2], "%o", &mode)
		fmt.Sscanf(f[3], "%d:%d", &uid, &gid)
		e := &rootfs.Entry{Path: rootfs.Clean(f[0]), Mode: fs.FileMode(mode), UID: uid, GID: gid, ModTime: time.Unix(100, 0).UTC()}
		arg := ""
		if len(f) == 5 {
			arg = f[4]
		}
		switch f[1] {
		case "f":
			e.Kind, e.Size, e.Open = rootfs.File, int64(len(arg)), Opener(arg)
		case "d":
			e.Kind = rootfs.Dir
		case "l":
			e.Kind, e.Link = rootfs.Symlink, arg
		case "h":
			e.Kind, e.Link = rootfs.Hardlink, arg
		case "c":
			e.Kind, e.DevMajor, e.DevMinor = rootfs.CharDevice, 1, 3
		default:
			t.Fatalf("bad kind in %q", s)
		}
		b.Add(e)
	}
	tr, err := b.Tree()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// Opener is an Entry.Open of the text s.
func Opener(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// Describe prints a tree as MemTree specs (root and synthesized
// parents included), contents read back.
func Describe(t testing.TB, tr *rootfs.Tree) string {
	t.Helper()
	var lines []string
	for _, e := range tr.Entries {
		k := map[rootfs.Kind]string{rootfs.File: "f", rootfs.Dir: "d", rootfs.Symlink: "l", rootfs.Hardlink: "h", rootfs.CharDevice: "c"}[e.Kind]
		line := fmt.Sprintf("%s %s %o %d:%d", e.Path, k, uint32(e.Mode), e.UID, e.GID)
		switch e.Kind {
		case rootfs.File:
			rc, err := e.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			line += " " + string(data)
		case rootfs.Symlink, rootfs.Hardlink:
			line += " " + e.Link
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// Validate fails the test when tr breaks a tree invariant (rootfs.Validate).
func Validate(t testing.TB, tr *rootfs.Tree) {
	t.Helper()
	if err := rootfs.Validate(tr); err != nil {
		t.Fatal(err)
	}
}

// ShortSHA is how Dump shows contents: the first 12 hex digits of their
// SHA-256.
func ShortSHA(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))[:12] }
