package ext4

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
)

// TestAgainstDebugfs lists every directory of images with debugfs, which
// reads them with e2fsprogs' own library, and checks each entry's inode
// number, type, mode, owner and size against the tree: the inode numbers
// show that hard links were found where e2fsprogs sees them.
func TestAgainstDebugfs(t *testing.T) {
	dir, _ := stage(t)
	for _, v := range variants {
		if v.name != "ext4" && v.name != "ext2-1k-no-filetype" && v.name != "inline-data" {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			img := mkfs(t, dir, "64M", v.args...)
			tr, inos, err := read(rootfs.FileSource(img), true)
			if err != nil {
				t.Fatal(err)
			}
			var requests []string
			for _, e := range tr.Entries {
				if e.Kind == rootfs.Dir {
					requests = append(requests, "ls -p /"+strings.TrimPrefix(e.Path, "."))
				}
			}
			listed := parseListings(t, debugfs(t, img, requests...))
			for _, e := range tr.Entries[1:] {
				l, ok := listed[e.Path]
				if !ok {
					t.Errorf("%s: not listed by debugfs", e.Path)
					continue
				}
				checkListed(t, tr, e, inos[e.Path], l)
				delete(listed, e.Path)
			}
			for p := range listed {
				if p != "lost+found" {
					t.Errorf("%s: listed by debugfs, not in the tree", p)
				}
			}
		})
	}
}

// listing is one line of debugfs's ls -p: /inode/mode/uid/gid/name/size/.
type listing struct {
	ino, mode, uid, gid uint64
	size                string
}

// parseListings reads the output of ls -p requests into the entries
// listed, by path.
func parseListings(t *testing.T, out string) map[string]listing {
	t.Helper()
	got := map[string]listing{}
	dir := ""
	for _, line := range strings.Split(out, "\n") {
		if d, ok := strings.CutPrefix(line, "debugfs: ls -p /"); ok {
			dir = d
			continue
		}
		f := strings.Split(line, "/")
		if len(f) != 8 || f[5] == "." || f[5] == ".." {
			continue
		}
		var l listing
		var err error
		for i, p := range []*uint64{&l.ino, &l.mode, &l.uid, &l.gid} {
			base := 10
			if i == 1 {
				base = 8
			}
			if *p, err = strconv.ParseUint(f[1+i], base, 64); err != nil {
				t.Fatalf("debugfs: %q: %v", line, err)
			}
		}
		if l.ino == 0 {
			continue // an unused record, which debugfs lists in inline directories
		}
		l.size = f[6]
		p := f[5]
		if dir != "" {
			p = dir + "/" + p
		}
		got[p] = l
	}
	return got
}

func checkListed(t *testing.T, tr *rootfs.Tree, e *rootfs.Entry, ino uint32, l listing) {
	t.Helper()
	f := e
	if e.Kind == rootfs.Hardlink {
		f = tr.Lookup(e.Link)
	}
	mode := uint64(rootfs.UnixType(e.Kind) | rootfs.UnixPerm(e.Mode))
	size := ""
	switch e.Kind {
	case rootfs.File, rootfs.Hardlink:
		size = fmt.Sprint(f.Size)
	case rootfs.Symlink:
		size = fmt.Sprint(len(e.Link))
	case rootfs.Dir:
		size = l.size // debugfs prints a directory's size, which the tree has no use for
	default:
		size = "0"
	}
	want := listing{uint64(ino), mode, uint64(e.UID), uint64(e.GID), size}
	if l != want {
		t.Errorf("%s: debugfs lists %+v, the tree has %+v", e.Path, l, want)
	}
}
