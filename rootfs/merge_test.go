package rootfs_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

func baseTree(t testing.TB) *rootfs.Tree {
	return rootfstest.MemTree(t,
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
	release := rootfstest.MemTree(t,
		". d 750 1000:1000",
		"lib d 755 1000:1000",
		"lib/app-1.0 d 755 1000:1000",
		"lib/app-1.0/ebin d 755 1000:1000",
		"lib/app-1.0/ebin/app.beam f 600 1000:1000 beam",
		"releases d 755 1000:1000",
	)
	tests := []struct {
		name   string
		layers []rootfs.Layer
		want   []string // lines expected in describe's output
		absent []string // paths that must not be there
	}{{
		name:   "release at srv/erlang, root-owned, own modes, srv synthesized",
		layers: []rootfs.Layer{rootfs.ReleaseLayer(release)},
		want: []string{
			"srv d 755 0:0",
			"srv/erlang d 750 0:0",
			"srv/erlang/lib/app-1.0/ebin/app.beam f 600 0:0 beam",
		},
	}, {
		name: "overlay file over base file keeps base owner and mode",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", rootfstest.MemTree(t,
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
		layers: []rootfs.Layer{
			rootfs.ReleaseLayer(release),
			rootfs.OverlayLayer("a", rootfstest.MemTree(t, "srv/erlang/lib/app-1.0/ebin/app.beam f 644 5:5 a", "etc/x f 600 0:0 a")),
			rootfs.OverlayLayer("b", rootfstest.MemTree(t, "etc/x f 644 7:7 b")),
		},
		want: []string{
			"srv/erlang/lib/app-1.0/ebin/app.beam f 644 0:0 a",
			"etc/x f 644 0:0 b",
		},
	}, {
		name: "file over symlink: base owner, the file's own mode",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", rootfstest.MemTree(t,
			"etc/resolv.conf f 644 1:1 nameserver",
		))},
		want: []string{"etc/resolv.conf f 644 0:0 nameserver"},
	}, {
		name: "delete a directory, then replace a base path with a file",
		layers: []rootfs.Layer{{
			Name: "ov", Kind: rootfs.LayerOverlay,
			Delete: []string{"/etc/init.d", "usr/bin/*"},
			Tree:   rootfstest.MemTree(t, "etc/init.d f 644 3:3 not a dir any more"),
		}},
		want:   []string{"etc/init.d f 644 0:0 not a dir any more", "usr/bin d 755 0:0"},
		absent: []string{"etc/init.d/rcS", "usr/bin/ping"},
	}, {
		name: "replacing a hard-linked file leaves the other name the old data",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", rootfstest.MemTree(t,
			"bin/busybox f 755 0:0 new bb",
		))},
		want: []string{
			"bin/busybox f 4755 0:0 new bb",
			"bin/sh f 4755 0:0 bb",
		},
	}, {
		name:   "deleting a hard-linked file promotes the link",
		layers: []rootfs.Layer{{Name: "del", Kind: rootfs.LayerOverlay, Delete: []string{"bin/busybox"}}},
		want:   []string{"bin/sh f 4755 0:0 bb"},
		absent: []string{"bin/busybox"},
	}, {
		name: "a layer's hard link gets its file's merged metadata",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", rootfstest.MemTree(t,
			"etc/passwd f 600 9:9 new",
			"etc/passwd2 h 600 9:9 etc/passwd",
		))},
		want: []string{"etc/passwd f 644 0:0 new", "etc/passwd2 h 644 0:0 etc/passwd"},
	}, {
		name: "empty directory below a mount point is allowed",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", rootfstest.MemTree(t,
			"root d 755 0:0", "data d 755 0:0",
		))},
		want: []string{"root d 700 0:0", "data d 755 0:0"},
	}, {
		name: "generated erlinit.config",
		layers: []rootfs.Layer{
			rootfs.ReleaseLayer(release),
			rootfs.ErlinitLayer([]byte("--ctty tty1\n"), time.Unix(5, 0)),
		},
		want: []string{"etc/erlinit.config f 644 0:0 --ctty tty1\n"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := baseTree(t)
			before := rootfstest.Describe(t, base)
			got, err := rootfs.Merge(base, tc.layers...)
			if err != nil {
				t.Fatal(err)
			}
			rootfstest.Validate(t, got)
			if after := rootfstest.Describe(t, base); after != before {
				t.Errorf("Merge changed its base:\n%s", after)
			}
			out := rootfstest.Describe(t, got)
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

func TestMergeErrors(t *testing.T) {
	release := rootfstest.MemTree(t, "lib d 755 0:0")
	tests := []struct {
		name   string
		layers []rootfs.Layer
		want   string
	}{{
		name:   "overlay below /root",
		layers: []rootfs.Layer{rootfs.OverlayLayer("my_overlay", rootfstest.MemTree(t, "root/.ssh/authorized_keys f 600 0:0 k", "tmp/x f 644 0:0 x"))},
		want:   "merge: layer my_overlay puts files below /data, /dev, /proc, /root, /sys or /tmp, where the device mounts filesystems that would hide them: /root/.ssh, /root/.ssh/authorized_keys, /tmp/x",
	}, {
		name:   "directory over a file",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", rootfstest.MemTree(t, "etc/passwd/x f 644 0:0 x"))},
		want:   "merge: layer ov has a dir at /etc/passwd, where the base has a file; delete /etc/passwd first (Layer.Delete) to replace it",
	}, {
		name:   "file over a directory from an earlier layer",
		layers: []rootfs.Layer{rootfs.OverlayLayer("a", rootfstest.MemTree(t, "opt/x f 644 0:0 x")), rootfs.OverlayLayer("b", rootfstest.MemTree(t, "opt f 644 0:0 x"))},
		want:   "merge: layer b has a file at /opt, where layer a has a dir; delete /opt first (Layer.Delete) to replace it",
	}, {
		name:   "release where a file is",
		layers: []rootfs.Layer{{Name: "rel", Kind: rootfs.LayerRelease, At: "etc/passwd/erlang", Tree: release}},
		want:   "merge: layer rel goes at /etc/passwd/erlang, but /etc/passwd in the base is a file, not a directory",
	}, {
		name:   "out of order",
		layers: []rootfs.Layer{rootfs.OverlayLayer("ov", release), rootfs.ReleaseLayer(release)},
		want:   "merge: release layer release comes after overlay layer ov; the order is the release, the generated layer, then overlays",
	}, {
		name:   "two releases",
		layers: []rootfs.Layer{rootfs.ReleaseLayer(release), rootfs.ReleaseLayer(release)},
		want:   "merge: layer release is a second release",
	}, {
		name:   "no kind",
		layers: []rootfs.Layer{{Name: "x", Tree: release}},
		want:   "merge: layer x has no kind (LayerRelease, LayerGenerated or LayerOverlay)",
	}, {
		name:   "delete pattern matching nothing",
		layers: []rootfs.Layer{{Name: "ov", Kind: rootfs.LayerOverlay, Delete: []string{"/etc/nope*"}}},
		want:   `merge: layer ov: delete pattern "/etc/nope*" matches nothing`,
	}, {
		name:   "bad delete pattern",
		layers: []rootfs.Layer{{Name: "ov", Kind: rootfs.LayerOverlay, Delete: []string{"etc/["}}},
		want:   `merge: layer ov: bad delete pattern "etc/["`,
	}, {
		name:   "deleting the root",
		layers: []rootfs.Layer{{Name: "ov", Kind: rootfs.LayerOverlay, Delete: []string{"/"}}},
		want:   `merge: layer ov: bad delete pattern ""`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rootfs.Merge(baseTree(t), tc.layers...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := rootfs.Merge(&rootfs.Tree{}); err == nil || err.Error() != "merge: the base tree has no root directory" {
		t.Errorf("empty base: %v", err)
	}
}

func TestMergeDoesNotShareEntries(t *testing.T) {
	base := baseTree(t)
	got, err := rootfs.Merge(base)
	if err != nil {
		t.Fatal(err)
	}
	got.Lookup("etc/passwd").Mode = 0o777
	if base.Lookup("etc/passwd").Mode != 0o644 {
		t.Error("changing the result changed the base")
	}
}
