package squashfs

import (
	"cmp"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"

	"github.com/firmwright/firmwright/internal/oracle"
)

// smallTree makes a random tree from a seed: a few levels of directories
// holding every kind of entry, with sizes around small block sizes so
// that block, tail and fragment boundaries all get crossed.
func smallTree(seed uint64) *rootfs.Tree {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := newTreeBuilder(time.Unix(int64(1500000000+r.IntN(400000000)), 0))
	var dirs = []string{"."}
	var files []string
	shared := textData(r, 10000+r.IntN(20000))
	name := func(parent string) string {
		const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
		for {
			n := make([]byte, 1+r.IntN(12))
			for i := range n {
				n[i] = letters[r.IntN(len(letters))]
			}
			p := path.Join(parent, string(n))
			if string(n) != "." && string(n) != ".." && b.lookup(p) == nil {
				return p
			}
		}
	}
	for range 20 + r.IntN(200) {
		parent := dirs[r.IntN(len(dirs))]
		p := name(parent)
		mode := fs.FileMode(r.IntN(0o1000))
		if r.IntN(10) == 0 {
			mode |= []fs.FileMode{fs.ModeSetuid, fs.ModeSetgid, fs.ModeSticky}[r.IntN(3)]
		}
		e := &rootfs.Entry{Path: p, Mode: mode, UID: uint32(r.IntN(3) * 500), GID: uint32(r.IntN(4)),
			ModTime: time.Unix(int64(r.IntN(2000000000)), 0)}
		switch k := r.IntN(20); {
		case k < 4:
			e.Kind, e.Mode = rootfs.Dir, e.Mode|0o700
			dirs = append(dirs, p)
		case k < 14:
			var data []byte
			switch r.IntN(5) {
			case 0:
			case 1:
				data = randomData(r, r.IntN(70000))
			case 2:
				data = shared // duplicates
			default:
				data = textData(r, r.IntN(300000))
			}
			e.Kind, e.Size, e.Open = rootfs.File, int64(len(data)), bytesOpener(data)
			files = append(files, p)
			if r.IntN(4) == 0 {
				e.Xattrs = map[string][]byte{"user.k" + fmt.Sprint(r.IntN(3)): []byte(fmt.Sprint(r.IntN(3)))}
			}
		case k < 15 && len(files) > 0:
			e = &rootfs.Entry{Path: p, Kind: rootfs.Hardlink, Link: files[r.IntN(len(files))]}
		case k < 16:
			e.Kind, e.Link = rootfs.Symlink, name("..")
			e.Mode = 0o777
		case k < 17:
			e.Kind, e.DevMajor, e.DevMinor = rootfs.CharDevice, uint32(r.IntN(0x1000)), uint32(r.IntN(0x100000))
		case k < 18:
			e.Kind, e.DevMajor, e.DevMinor = rootfs.BlockDevice, uint32(r.IntN(300)), uint32(r.IntN(300))
		case k < 19:
			e.Kind = rootfs.FIFO
		default:
			e.Kind = rootfs.Socket
		}
		if e.Kind != rootfs.Hardlink && r.IntN(8) == 0 {
			if e.Xattrs == nil {
				e.Xattrs = map[string][]byte{}
			}
			e.Xattrs["security.label"] = []byte(fmt.Sprint("l", r.IntN(5)))
		}
		b.add(e)
	}
	return b.tree()
}

func (b *treeBuilder) lookup(p string) *rootfs.Entry {
	for _, e := range b.entries {
		if e.Path == p {
			return e
		}
	}
	return nil
}

// TestRandomTrees is a property test: for random trees and random
// options, unsquashfs lists our image as it lists mksquashfs's, and
// extracts every file unchanged.
func TestRandomTrees(t *testing.T) {
	oracle.Tool(t, "mksquashfs")
	oracle.Tool(t, "unsquashfs")
	n := 12
	if testing.Short() {
		n = 3
	}
	for seed := range uint64(n) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			tree := smallTree(100 + seed)
			r := rand.New(rand.NewPCG(seed, 7))
			opts := Options{
				Compression: compressions[r.IntN(len(compressions))],
				BlockSize:   4096 << r.IntN(9),
				NoFragments: r.IntN(4) == 0,
				NoTailEnds:  r.IntN(3) == 0,
				Workers:     1 + r.IntN(4),
			}
			if r.IntN(2) == 0 {
				epoch := time.Unix(int64(1500000000+r.IntN(300000000)), 0)
				opts.ModTime = &epoch
			}
			pseudo, rootOptions := materialize(t, tree, t.TempDir())
			ours := writeImage(t, tree, opts)
			theirs := mksquashfsImage(t, pseudo, rootOptions, opts.Compression, cmp.Or(opts.BlockSize, defaultBlockSize), opts.ModTime)
			compareListings(t, listing(t, ours), listing(t, theirs))
			checkExtraction(t, tree, ours)
		})
	}
}
