package ext4

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
)

const flagIndex = 0x1000 // a hashed (htree) directory

// checkStructures checks that an image made by a variant has what the
// variant is there to test, so that a change in mke2fs's choices cannot
// leave a part of the reader untested: a deep extent tree or double
// indirect blocks for the sparse file (and few blocks mapped), a hashed
// bigdir, an xattr block, inline files and directories.
func checkStructures(t *testing.T, img string, v variant) {
	t.Helper()
	src := rootfs.FileSource(img)
	f := openFS(t, src)
	_, inos, err := read(src, true)
	if err != nil {
		t.Fatal(err)
	}
	inode := func(p string) *inode {
		in, err := f.readInode(inos[p])
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return in
	}
	if f.sb.blockSize <= sparseChunk {
		checkSparse(t, f, inode(sparsePath))
	}
	if v.reindex {
		if inode("bigdir").flags&flagIndex == 0 {
			t.Errorf("bigdir is not hashed")
		}
		if out := debugfs(t, img, "htree /bigdir"); !strings.Contains(out, "Root node dump") || !strings.Contains(out, "entry-with-a-longish-name-0599") {
			t.Errorf("debugfs htree /bigdir: %.500s", out)
		}
	}
	if inode("etc/bigxattr").fileACL == 0 {
		t.Errorf("etc/bigxattr has no xattr block")
	}
	if slices.Contains(v.args, "inline_data") {
		for _, p := range []string{"etc/hundred", "run", "usr/bin"} {
			if inode(p).flags&flagInlineData == 0 {
				t.Errorf("%s is not inline", p)
			}
		}
	}
}

// checkSparse checks that the sparse file maps only its data, with an
// extent tree of depth 2 or a double indirect block.
func checkSparse(t *testing.T, f *fsys, in *inode) {
	t.Helper()
	runs, err := f.mapping(in)
	if err != nil {
		t.Fatal(err)
	}
	var mapped uint64
	for _, r := range runs {
		mapped += r.n
	}
	if want := uint64(sparseChunks * sparseChunk / f.sb.blockSize); mapped != want {
		t.Errorf("%s maps %d blocks, expected %d (holes mapped?)", sparsePath, mapped, want)
	}
	le := binary.LittleEndian
	if in.flags&flagExtents != 0 {
		if d := le.Uint16(in.block[6:]); d != 2 {
			t.Errorf("%s: extent tree of depth %d, expected 2", sparsePath, d)
		}
	} else if le.Uint32(in.block[4*13:]) == 0 {
		t.Errorf("%s: a block map without a double indirect block", sparsePath)
	}
}
