package rootfs

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"
)

// memTree builds a tree from a compact description, one entry a string:
// "path kind mode uid:gid [content-or-link]" with kind f, d, l (symlink),
// h (hardlink) or c (char device), e.g. "etc/passwd f 644 0:0 root:x".
func memTree(t testing.TB, specs ...string) *Tree {
	t.Helper()
	b := newBuilder("test")
	for _, s := range specs {
		f := strings.SplitN(s, " ", 5)
		if len(f) < 4 {
			t.Fatalf("bad spec %q", s)
		}
		var mode, uid, gid uint32
		fmt.Sscanf(f[2], "%o", &mode)
		fmt.Sscanf(f[3], "%d:%d", &uid, &gid)
		e := &Entry{Path: Clean(f[0]), Mode: fs.FileMode(mode), UID: uid, GID: gid, ModTime: time.Unix(100, 0).UTC()}
		arg := ""
		if len(f) == 5 {
			arg = f[4]
		}
		switch f[1] {
		case "f":
			e.Kind, e.Size, e.Open = File, int64(len(arg)), opener(arg)
		case "d":
			e.Kind = Dir
		case "l":
			e.Kind, e.Link = Symlink, arg
		case "h":
			e.Kind, e.Link = Hardlink, arg
		case "c":
			e.Kind, e.DevMajor, e.DevMinor = CharDevice, 1, 3
		default:
			t.Fatalf("bad kind in %q", s)
		}
		b.add(e)
	}
	tr, err := b.tree()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func opener(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// describe prints a tree as memTree specs (root and synthesized
// parents included), contents read back.
func describe(t testing.TB, tr *Tree) string {
	t.Helper()
	var lines []string
	for _, e := range tr.Entries {
		k := map[Kind]string{File: "f", Dir: "d", Symlink: "l", Hardlink: "h", CharDevice: "c"}[e.Kind]
		line := fmt.Sprintf("%s %s %o %d:%d", e.Path, k, uint32(e.Mode), e.UID, e.GID)
		switch e.Kind {
		case File:
			rc, err := e.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			line += " " + string(data)
		case Symlink, Hardlink:
			line += " " + e.Link
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func baseTree(t testing.TB) *Tree {
	return memTree(t,
		". d 755 0:0",
		"bin d 755 0:0",
		"bin/busybox f 4755 0:0 bb",
		"bin/sh h 4755 0:0 bin/busybox",
		"dev d 755 0:0",
		"dev/null c 666 0:0",
		"etc d 755 0:0",
		"etc/init.d d 755 0:0",
		"etc/init.d/rcS f 755 0:0 rc",
		"etc/passwd f 644 0:0 root:x",
		"etc/resolv.conf l 777 0:0 /tmp/resolv.conf",
		"etc/shadow f 600 0:42 secret",
		"root d 700 0:0",
		"tmp d 1777 0:0",
		"usr d 755 0:0",
		"usr/bin d 755 0:0",
		"usr/bin/ping f 755 0:0 ping",
	)
}

func TestMerge(t *testing.T) {
	release := memTree(t,
		". d 750 1000:1000",
		"lib d 755 1000:1000",
		"lib/app-1.0 d 755 1000:1000",
		"lib/app-1.0/ebin d 755 1000:1000",
		"lib/app-1.0/ebin/app.beam f 600 1000:1000 beam",
		"releases d 755 1000:1000",
	)
	tests := []struct {
		name   string
		layers []Layer
		want   []string // lines expected in describe's output
		absent []string // paths that must not be there
	}{{
		name:   "release at srv/erlang, root-owned, own modes, srv synthesized",
		layers: []Layer{ReleaseLayer(release)},
		want: []string{
			"srv d 755 0:0",
			"srv/erlang d 750 0:0",
			"srv/erlang/lib/app-1.0/ebin/app.beam f 600 0:0 beam",
		},
	}, {
		name: "overlay file over base file keeps base owner and mode",
		layers: []Layer{OverlayLayer("ov", memTree(t,
			". d 700 1000:1000",
			"etc d 700 1000:1000",
			"etc/shadow f 644 1000:1000 new",
			"etc/motd f 640 1000:1000 hi",
		))},
		want: []string{
			". d 755 0:0",
			"etc d 755 0:0",
			"etc/shadow f 600 0:42 new",
			"etc/motd f 640 0:0 hi",
		},
	}, {
		name: "later layer wins; a non-base path takes the later mode",
		layers: []Layer{
			ReleaseLayer(release),
			OverlayLayer("a", memTree(t, "srv/erlang/lib/app-1.0/ebin/app.beam f 644 5:5 a", "etc/x f 600 0:0 a")),
			OverlayLayer("b", memTree(t, "etc/x f 644 7:7 b")),
		},
		want: []string{
			"srv/erlang/lib/app-1.0/ebin/app.beam f 644 0:0 a",
			"etc/x f 644 0:0 b",
		},
	}, {
		name: "file over symlink: base owner, the file's own mode",
		layers: []Layer{OverlayLayer("ov", memTree(t,
			"etc/resolv.conf f 644 1:1 nameserver",
		))},
		want: []string{"etc/resolv.conf f 644 0:0 nameserver"},
	}, {
		name: "delete a directory, then replace a base path with a file",
		layers: []Layer{{
			Name: "ov", Kind: LayerOverlay,
			Delete: []string{"/etc/init.d", "usr/bin/*"},
			Tree:   memTree(t, "etc/init.d f 644 3:3 not a dir any more"),
		}},
		want:   []string{"etc/init.d f 644 0:0 not a dir any more", "usr/bin d 755 0:0"},
		absent: []string{"etc/init.d/rcS", "usr/bin/ping"},
	}, {
		name: "replacing a hard-linked file leaves the other name the old data",
		layers: []Layer{OverlayLayer("ov", memTree(t,
			"bin/busybox f 755 0:0 new bb",
		))},
		want: []string{
			"bin/busybox f 4755 0:0 new bb",
			"bin/sh f 4755 0:0 bb",
		},
	}, {
		name:   "deleting a hard-linked file promotes the link",
		layers: []Layer{{Name: "del", Kind: LayerOverlay, Delete: []string{"bin/busybox"}}},
		want:   []string{"bin/sh f 4755 0:0 bb"},
		absent: []string{"bin/busybox"},
	}, {
		name: "a layer's hard link gets its file's merged metadata",
		layers: []Layer{OverlayLayer("ov", memTree(t,
			"etc/passwd f 600 9:9 new",
			"etc/passwd2 h 600 9:9 etc/passwd",
		))},
		want: []string{"etc/passwd f 644 0:0 new", "etc/passwd2 h 644 0:0 etc/passwd"},
	}, {
		name: "empty directory below a mount point is allowed",
		layers: []Layer{OverlayLayer("ov", memTree(t,
			"root d 755 0:0", "data d 755 0:0",
		))},
		want: []string{"root d 700 0:0", "data d 755 0:0"},
	}, {
		name: "generated erlinit.config",
		layers: []Layer{
			ReleaseLayer(release),
			ErlinitLayer([]byte("--ctty tty1\n"), time.Unix(5, 0)),
		},
		want: []string{"etc/erlinit.config f 644 0:0 --ctty tty1\n"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := baseTree(t)
			before := describe(t, base)
			got, err := Merge(base, tc.layers...)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, got)
			if after := describe(t, base); after != before {
				t.Errorf("Merge changed its base:\n%s", after)
			}
			out := describe(t, got)
			lines := strings.Split(out, "\n")
			for _, w := range tc.want {
				if !slices.Contains(lines, strings.TrimSuffix(w, "\n")) && !strings.Contains(out, w) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if got.Lookup(a) != nil {
					t.Errorf("%s is still there", a)
				}
			}
		})
	}
}

// checkInvariants checks what build.go promises of every Tree.
func checkInvariants(t *testing.T, tr *Tree) {
	t.Helper()
	if len(tr.Entries) == 0 || tr.Entries[0].Path != "." {
		t.Fatal("no root first")
	}
	for i, e := range tr.Entries {
		if i > 0 && !Less(tr.Entries[i-1].Path, e.Path) {
			t.Errorf("%s before %s: not sorted or duplicated", tr.Entries[i-1].Path, e.Path)
		}
		if e.Path == "." {
			continue
		}
		dir := e.Path[:max(0, strings.LastIndexByte(e.Path, '/'))]
		if dir == "" {
			dir = "."
		}
		if p := tr.Lookup(dir); p == nil || p.Kind != Dir {
			t.Errorf("%s: parent %s is not a directory", e.Path, dir)
		}
		if e.Kind == Hardlink {
			f := tr.Lookup(e.Link)
			if f == nil || f.Kind != File {
				t.Errorf("%s: hard link to %s, not a file", e.Path, e.Link)
			} else if f.Mode != e.Mode || f.UID != e.UID || f.GID != e.GID {
				t.Errorf("%s: hard link metadata differs from %s", e.Path, e.Link)
			}
		}
	}
}

func TestMergeErrors(t *testing.T) {
	release := memTree(t, "lib d 755 0:0")
	tests := []struct {
		name   string
		layers []Layer
		want   string
	}{{
		name:   "overlay below /root",
		layers: []Layer{OverlayLayer("my_overlay", memTree(t, "root/.ssh/authorized_keys f 600 0:0 k", "tmp/x f 644 0:0 x"))},
		want:   "merge: layer my_overlay puts files below /data, /dev, /proc, /root, /sys or /tmp, where the device mounts filesystems that would hide them: /root/.ssh, /root/.ssh/authorized_keys, /tmp/x",
	}, {
		name:   "directory over a file",
		layers: []Layer{OverlayLayer("ov", memTree(t, "etc/passwd/x f 644 0:0 x"))},
		want:   "merge: layer ov has a dir at /etc/passwd, where the base has a file; delete /etc/passwd first (Layer.Delete) to replace it",
	}, {
		name:   "file over a directory from an earlier layer",
		layers: []Layer{OverlayLayer("a", memTree(t, "opt/x f 644 0:0 x")), OverlayLayer("b", memTree(t, "opt f 644 0:0 x"))},
		want:   "merge: layer b has a file at /opt, where layer a has a dir; delete /opt first (Layer.Delete) to replace it",
	}, {
		name:   "release where a file is",
		layers: []Layer{{Name: "rel", Kind: LayerRelease, At: "etc/passwd/erlang", Tree: release}},
		want:   "merge: layer rel goes at /etc/passwd/erlang, but /etc/passwd in the base is a file, not a directory",
	}, {
		name:   "out of order",
		layers: []Layer{OverlayLayer("ov", release), ReleaseLayer(release)},
		want:   "merge: release layer release comes after overlay layer ov; the order is the release, the generated layer, then overlays",
	}, {
		name:   "two releases",
		layers: []Layer{ReleaseLayer(release), ReleaseLayer(release)},
		want:   "merge: layer release is a second release",
	}, {
		name:   "no kind",
		layers: []Layer{{Name: "x", Tree: release}},
		want:   "merge: layer x has no kind (LayerRelease, LayerGenerated or LayerOverlay)",
	}, {
		name:   "delete pattern matching nothing",
		layers: []Layer{{Name: "ov", Kind: LayerOverlay, Delete: []string{"/etc/nope*"}}},
		want:   `merge: layer ov: delete pattern "/etc/nope*" matches nothing`,
	}, {
		name:   "bad delete pattern",
		layers: []Layer{{Name: "ov", Kind: LayerOverlay, Delete: []string{"etc/["}}},
		want:   `merge: layer ov: bad delete pattern "etc/["`,
	}, {
		name:   "deleting the root",
		layers: []Layer{{Name: "ov", Kind: LayerOverlay, Delete: []string{"/"}}},
		want:   `merge: layer ov: bad delete pattern ""`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(baseTree(t), tc.layers...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := Merge(&Tree{}); err == nil || err.Error() != "merge: the base tree has no root directory" {
		t.Errorf("empty base: %v", err)
	}
}

func TestMergeDoesNotShareEntries(t *testing.T) {
	base := baseTree(t)
	got, err := Merge(base)
	if err != nil {
		t.Fatal(err)
	}
	got.Lookup("etc/passwd").Mode = 0o777
	if base.Lookup("etc/passwd").Mode != 0o644 {
		t.Error("changing the result changed the base")
	}
}
