package rootfs

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/firmwright/firmwright/internal/oracle"
)

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func sh(t *testing.T, dir, script string) { t.Helper(); run(t, dir, "sh", "-c", script) }

// dump renders a tree as one line per entry, with each file's contents
// hashed. A hard link renders as its File does, with the group of names
// sharing it, so trees compare equal whichever name a reader made the File.
func dump(t *testing.T, tr *Tree) string {
	t.Helper()
	groups := map[string][]string{}
	for _, e := range tr.Entries {
		if e.Kind == Hardlink {
			groups[e.Link] = append(groups[e.Link], e.Path)
		}
	}
	var sb strings.Builder
	for _, e := range tr.Entries {
		f, kind := e, e.Kind
		if e.Kind == Hardlink {
			if f = tr.Lookup(e.Link); f == nil || f.Kind != File {
				t.Fatalf("%s: hard link to %s, which is not a file in the tree", e.Path, e.Link)
			}
			kind = File
		}
		fmt.Fprintf(&sb, "%s %s %04o %d:%d %d", e.Path, kind, unixPerm(e.Mode), e.UID, e.GID, e.ModTime.Unix())
		switch kind {
		case File:
			fmt.Fprintf(&sb, " size=%d sha=%s", f.Size, contentHash(t, f))
			if g := groups[f.Path]; len(g) > 0 {
				fmt.Fprintf(&sb, " links=%s", strings.Join(slices.Sorted(slices.Values(append(g, f.Path))), ","))
			}
		case Symlink:
			fmt.Fprintf(&sb, " -> %s", e.Link)
		case CharDevice, BlockDevice:
			fmt.Fprintf(&sb, " %d,%d", e.DevMajor, e.DevMinor)
		}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range e.Xattrs {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(&sb, " %s=%x", k, e.Xattrs[k])
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func unixPerm(m fs.FileMode) uint32 {
	p := uint32(m & fs.ModePerm)
	if m&fs.ModeSetuid != 0 {
		p |= unixSetuid
	}
	if m&fs.ModeSetgid != 0 {
		p |= unixSetgid
	}
	if m&fs.ModeSticky != 0 {
		p |= unixSticky
	}
	return p
}

func contentHash(t *testing.T, e *Entry) string {
	t.Helper()
	r, err := e.Open()
	if err != nil {
		t.Fatalf("%s: %v", e.Path, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		t.Fatalf("%s: reading: %v", e.Path, err)
	}
	if n != e.Size {
		t.Fatalf("%s: read %d bytes, Size says %d", e.Path, n, e.Size)
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:12]
}

// checkTree checks the invariants every reader promises.
func checkTree(t *testing.T, tr *Tree) {
	t.Helper()
	if len(tr.Entries) == 0 || tr.Entries[0].Path != "." || tr.Entries[0].Kind != Dir {
		t.Fatal("the root is not the first entry")
	}
	for i, e := range tr.Entries {
		if i > 0 && !Less(tr.Entries[i-1].Path, e.Path) {
			t.Fatalf("entries out of order or duplicated: %s, %s", tr.Entries[i-1].Path, e.Path)
		}
		if e.Path != Clean(e.Path) {
			t.Fatalf("%q is not clean", e.Path)
		}
		if e.Path != "." {
			if p := tr.Lookup(path.Dir(e.Path)); p == nil || p.Kind != Dir {
				t.Fatalf("%s: no parent directory", e.Path)
			}
		}
		if (e.Open != nil) != (e.Kind == File) {
			t.Fatalf("%s: a %s with Open set: %v", e.Path, e.Kind, e.Open != nil)
		}
	}
}

// sample is the tree every reader test archives with real tools: every
// kind, setuid/setgid/sticky, owners, device numbers past 8 bits, hard
// links across directories, xattrs, a deep path and an empty file.
func sample() []*Entry {
	mt := int64(1700000000)
	var es []*Entry
	add := func(e *Entry) {
		mt += 7
		e.ModTime = time.Unix(mt, 0).UTC()
		es = append(es, e)
	}
	dir := func(p string, mode fs.FileMode) { add(&Entry{Path: p, Kind: Dir, Mode: mode}) }
	file := func(p string, mode fs.FileMode, uid, gid uint32, content string) *Entry {
		e := &Entry{Path: p, Kind: File, Mode: mode, UID: uid, GID: gid, Size: int64(len(content))}
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
	add(&Entry{Path: "bin/sh", Kind: Hardlink, Link: "bin/busybox"})
	add(&Entry{Path: "usr/bin/env", Kind: Hardlink, Link: "bin/busybox"})
	file("usr/bin/wall", 0o755|fs.ModeSetgid, 0, 5, "wall")
	ping := file("bin/ping", 0o755, 0, 0, "ping")
	ping.Xattrs = map[string][]byte{"security.capability": {1, 0, 0, 2, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}
	pw := file("etc/passwd", 0o644, 0, 0, "root:x:0:0:root:/root:/bin/sh\n")
	pw.Xattrs = map[string][]byte{"user.comment": []byte("hi")}
	file("etc/empty", 0o600, 1000, 1001, "")
	file("usr/share/big", 0o644, 1000, 1001, strings.Repeat("0123456789abcdef", 300000/16)+"tail")
	file(deep+"/deep.txt", 0o444, 0, 0, "deep")
	add(&Entry{Path: "lib", Kind: Symlink, Mode: 0o777, Link: "usr/lib"})
	add(&Entry{Path: "etc/mtab", Kind: Symlink, Mode: 0o777, Link: "/proc/mounts"})
	add(&Entry{Path: "dev/console", Kind: CharDevice, Mode: 0o600, DevMajor: 5, DevMinor: 1})
	add(&Entry{Path: "dev/ttyS300", Kind: CharDevice, Mode: 0o660, GID: 20, DevMajor: 4, DevMinor: 300})
	add(&Entry{Path: "dev/nvme0n1", Kind: BlockDevice, Mode: 0o660, GID: 6, DevMajor: 259, DevMinor: 70000})
	add(&Entry{Path: "run/initctl", Kind: FIFO, Mode: 0o620})
	add(&Entry{Path: "run/sock", Kind: Socket, Mode: 0o755})
	return es
}

// expected is the tree a lossless reader returns for entries.
func expected(t *testing.T, es []*Entry, drop ...Kind) *Tree {
	t.Helper()
	b := newBuilder("sample")
	for _, e := range es {
		if !slices.Contains(drop, e.Kind) {
			c := *e
			b.add(&c)
		}
	}
	tr, err := b.tree()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// stage creates entries under dir on the host, owners, modes, xattrs and
// times included. It needs root.
func stage(t *testing.T, dir string, es []*Entry) {
	t.Helper()
	tr := expected(t, es)
	for _, e := range tr.Entries {
		p := filepath.Join(dir, e.Path)
		var err error
		switch e.Kind {
		case Dir:
			if e.Path != "." {
				err = os.Mkdir(p, 0o700)
			}
		case File:
			var r io.ReadCloser
			if r, err = e.Open(); err == nil {
				var data []byte
				data, _ = io.ReadAll(r)
				err = os.WriteFile(p, data, 0o600)
			}
		case Hardlink:
			err = os.Link(filepath.Join(dir, e.Link), p)
		case Symlink:
			err = os.Symlink(e.Link, p)
		case CharDevice:
			err = unix.Mknod(p, unix.S_IFCHR|0o600, int(unix.Mkdev(e.DevMajor, e.DevMinor)))
		case BlockDevice:
			err = unix.Mknod(p, unix.S_IFBLK|0o600, int(unix.Mkdev(e.DevMajor, e.DevMinor)))
		case FIFO:
			err = unix.Mkfifo(p, 0o600)
		case Socket:
			var l *net.UnixListener
			if l, err = net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"}); err == nil {
				l.SetUnlinkOnClose(false)
				err = l.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind == Hardlink {
			continue
		}
		if err := os.Lchown(p, int(e.UID), int(e.GID)); err != nil {
			t.Fatal(err)
		}
		if e.Kind != Symlink {
			if err := unix.Chmod(p, unixPerm(e.Mode)); err != nil {
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
		if e.Kind == Hardlink {
			continue
		}
		ts := unix.NsecToTimespec(e.ModTime.UnixNano())
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(dir, e.Path), []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			t.Fatal(err)
		}
	}
}

// stageSample stages the sample tree once per test binary.
func stageSample(t *testing.T) string {
	t.Helper()
	oracle.Root(t, "staging device nodes and owners")
	dir := filepath.Join(t.TempDir(), "stage")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stage(t, dir, sample())
	return dir
}

func compareTrees(t *testing.T, got, want *Tree) {
	t.Helper()
	checkTree(t, got)
	g, w := dump(t, got), dump(t, want)
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
