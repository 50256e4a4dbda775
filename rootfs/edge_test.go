package rootfs_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

// tarOf writes headers (with contents for regular files) into a tar.
func tarOf(t testing.TB, hs ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, h := range hs {
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = int64(len(h.Name))
		}
		if err := w.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			w.Write([]byte(h.Name))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSynthesizedParents(t *testing.T) {
	tr, err := rootfs.ReadTar(rootfs.MemorySource("rootfs.tar", tarOf(t,
		&tar.Header{Name: "./usr/bin/x", Typeflag: tar.TypeReg, Mode: 0o755, Uid: 1, ModTime: time.Unix(5, 0)},
		&tar.Header{Name: "./usr/bin/y", Typeflag: tar.TypeLink, Linkname: "./usr/bin/x"},
		&tar.Header{Name: "./etc/l", Typeflag: tar.TypeSymlink, Linkname: "x", Mode: 0o777},
		&tar.Header{Name: "./etc/l2", Typeflag: tar.TypeLink, Linkname: "etc/l"},
	)))
	if err != nil {
		t.Fatal(err)
	}
	rootfstest.Validate(t, tr)
	want := `. dir 0755 0:0 0
etc dir 0755 0:0 0
etc/l symlink 0777 0:0 0 -> x
etc/l2 symlink 0777 0:0 0 -> x
usr dir 0755 0:0 0
usr/bin dir 0755 0:0 0
usr/bin/x file 0755 1:0 5 size=11 sha=` + rootfstest.ShortSHA("./usr/bin/x") + ` links=usr/bin/x,usr/bin/y
usr/bin/y file 0755 1:0 5 size=11 sha=` + rootfstest.ShortSHA("./usr/bin/x") + ` links=usr/bin/x,usr/bin/y
`
	if d := rootfstest.Dump(t, tr); d != want {
		t.Errorf("got\n%s\nwant\n%s", d, want)
	}
}

func TestTarErrors(t *testing.T) {
	for _, c := range []struct {
		hs   []*tar.Header
		want string
	}{
		{[]*tar.Header{{Name: "./dev/console", Typeflag: 'Z'}},
			"rootfs.tar: entry ./dev/console: unsupported tar type 'Z'"},
		{[]*tar.Header{{Name: "./a", Typeflag: tar.TypeLink, Linkname: "./b"}},
			"rootfs.tar: entry a: hard link to b, which is not in the archive"},
		{[]*tar.Header{{Name: "./a", Typeflag: tar.TypeReg}, {Name: "./a/b", Typeflag: tar.TypeReg}},
			"rootfs.tar: entry a/b: parent a is a file, not a directory"},
		{[]*tar.Header{{Name: "./a", Typeflag: tar.TypeSymlink}},
			"rootfs.tar: entry ./a: symlink with an empty target"},
	} {
		_, err := rootfs.ReadTar(rootfs.MemorySource("rootfs.tar", tarOf(t, c.hs...)))
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

// newc writes one newc member.
func newc(name string, mode, nlink, ino uint32, data string) string {
	h := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 5, 1, len(name)+1, 0)
	s := h + name + "\x00"
	s += strings.Repeat("\x00", (4-len(s)%4)%4) + data
	return s + strings.Repeat("\x00", (4-len(s)%4)%4)
}

func TestCPIOHardlinkDataFirst(t *testing.T) {
	// Some writers put the contents on the first link, not the last.
	a := newc("a", 0o100644, 2, 7, "data") + newc("b", 0o100644, 2, 7, "") +
		newc("dev/console", 0o20600, 1, 8, "") + newc("TRAILER!!!", 0, 1, 0, "")
	tr, err := rootfs.ReadCPIO(rootfs.MemorySource("initramfs.cpio", []byte(a)))
	if err != nil {
		t.Fatal(err)
	}
	rootfstest.Validate(t, tr)
	want := `. dir 0755 0:0 0
a file 0644 0:0 0 size=4 sha=` + rootfstest.ShortSHA("data") + ` links=a,b
b file 0644 0:0 0 size=4 sha=` + rootfstest.ShortSHA("data") + ` links=a,b
dev dir 0755 0:0 0
dev/console char device 0600 0:0 0 5,1
`
	if d := rootfstest.Dump(t, tr); d != want {
		t.Errorf("got\n%s\nwant\n%s", d, want)
	}
	noTrailer := a[:strings.Index(a, "070701000000000000000000")]
	if _, err := rootfs.ReadCPIO(rootfs.MemorySource("x.cpio", []byte(noTrailer))); err == nil ||
		err.Error() != fmt.Sprintf("x.cpio: reading the cpio header at offset %d, after entry dev/console: unexpected EOF", len(noTrailer)) {
		t.Errorf("truncated archive: %v", err)
	}
}

// writeTar writes a tree as a tar archive with Go's archive/tar, as a
// second writer for FuzzTar's round trip.
func writeTar(tr *rootfs.Tree) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range tr.Entries {
		h := &tar.Header{Name: "./" + e.Path, Mode: int64(rootfs.UnixPerm(e.Mode)), Uid: int(e.UID), Gid: int(e.GID),
			ModTime: e.ModTime, Linkname: e.Link, Devmajor: int64(e.DevMajor), Devminor: int64(e.DevMinor), Format: tar.FormatPAX}
		for k, v := range e.Xattrs {
			if h.PAXRecords == nil {
				h.PAXRecords = map[string]string{}
			}
			h.PAXRecords["SCHILY.xattr."+k] = string(v)
		}
		flag, ok := map[rootfs.Kind]byte{rootfs.File: tar.TypeReg, rootfs.Dir: tar.TypeDir, rootfs.Symlink: tar.TypeSymlink,
			rootfs.Hardlink: tar.TypeLink, rootfs.CharDevice: tar.TypeChar, rootfs.BlockDevice: tar.TypeBlock, rootfs.FIFO: tar.TypeFifo}[e.Kind]
		if !ok {
			return nil, fmt.Errorf("tar cannot hold the %s %s", e.Kind, e.Path)
		}
		h.Typeflag = flag
		if e.Path == "." {
			h.Name = "./"
		}
		if e.Kind == rootfs.File {
			h.Size = e.Size
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if e.Kind == rootfs.File {
			r, err := e.Open()
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(tw, r)
			r.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return b.Bytes(), tw.Close()
}

func FuzzCPIO(f *testing.F) {
	f.Add([]byte(newc(".", 0o40755, 2, 1, "") + newc("a", 0o100644, 2, 7, "") + newc("b", 0o100644, 2, 7, "xy") +
		newc("l", 0o120777, 1, 3, "a") + newc("TRAILER!!!", 0, 1, 0, "")))
	f.Add([]byte(strings.Replace(newc("f", 0o100644, 1, 2, "abc"), "070701", "070702", 1) + newc("TRAILER!!!", 0, 1, 0, "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := rootfs.ReadCPIO(rootfs.MemorySource("fuzz", data))
		if err != nil {
			return
		}
		rootfstest.Validate(t, tr)
		rootfstest.RoundTrip(t, tr, func(tr *rootfs.Tree) ([]byte, error) {
			var b bytes.Buffer
			err := rootfs.WriteCPIO(&b, tr)
			return b.Bytes(), err
		}, func(b []byte) (*rootfs.Tree, error) { return rootfs.ReadCPIO(rootfs.MemorySource("again", b)) })
	})
}

func FuzzTar(f *testing.F) {
	f.Add(tarOf(f,
		&tar.Header{Name: "./a/b", Typeflag: tar.TypeReg, PAXRecords: map[string]string{"SCHILY.xattr.user.x": "1"}},
		&tar.Header{Name: "./c", Typeflag: tar.TypeLink, Linkname: "a/b"},
		&tar.Header{Name: "./d", Typeflag: tar.TypeChar, Devmajor: 5, Devminor: 1}))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := rootfs.ReadTar(rootfs.MemorySource("fuzz", data))
		if err != nil {
			return
		}
		rootfstest.Validate(t, tr)
		rootfstest.RoundTrip(t, tr, writeTar, func(b []byte) (*rootfs.Tree, error) { return rootfs.ReadTar(rootfs.MemorySource("again", b)) })
	})
}
