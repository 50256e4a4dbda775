package squashfs

import (
	"io"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
)

// TestSparse4GiB reads testdata/sparse-4g.squashfs, 4 KB that mksquashfs
// 4.5.1 made from a folder holding a 4 GiB file of nothing but a hole
// (truncate -s 4G big) and a 3-byte file: its block list of 32768 zeros
// compresses to almost nothing, which a bound of the block list by the
// image's size refused.
func TestSparse4GiB(t *testing.T) {
	tr, err := ReadFile("testdata/sparse-4g.squashfs")
	if err != nil {
		t.Fatal(err)
	}
	var big *rootfs.Entry
	for _, e := range tr.Entries {
		if e.Path == "big" {
			big = e
		}
	}
	if big == nil || big.Size != 4<<30 {
		t.Fatalf("entries %v", tr.Entries)
	}
	r, err := big.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, 1<<20)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	for _, c := range buf {
		if c != 0 {
			t.Fatal("a hole read as data")
		}
	}
}
