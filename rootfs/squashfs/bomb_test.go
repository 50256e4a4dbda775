package squashfs

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zlib"
)

// fragmentBomb is a valid tiny image (a root holding one empty file) with
// a fragment table appended whose superblock count claims every entry of
// blocks tiny zlib metadata blocks, each 8 KiB of zeros in about 20 bytes:
// a reader that trusts the count inflates 400 times the file's size.
func fragmentBomb(t testing.TB, blocks int, inodes uint32) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(make([]byte, sqMetaSize))
	zw.Close()
	le := binary.LittleEndian
	var c sqCraft
	fileRef := c.inode(sqExtFile(2, 96, 0, sqNoXattr))
	c.root = c.inode(sqDirInode(1, c.listing(sqDirEntry{"f", fileRef, 2})))
	c.frags = func(img []byte) ([]byte, uint64) {
		index := make([]byte, 0, 8*blocks)
		for range blocks {
			index = le.AppendUint64(index, uint64(len(img)))
			img = le.AppendUint16(img, uint16(z.Len()))
			img = append(img, z.Bytes()...)
		}
		return append(img, index...), uint64(len(img))
	}
	c.patch = func(sb []byte) { le.PutUint32(sb[16:], uint32(blocks*sqMetaSize/16)) }
	return c.image(inodes)
}

// TestFragmentBomb: an 800 KB image claiming millions of fragments is
// refused at once, naming the superblock's field: with its true inode
// count, for having more fragments than files; claiming as many inodes,
// for having no room for their blocks.
func TestFragmentBomb(t *testing.T) {
	for _, tc := range []struct {
		inodes uint32
		want   string
	}{
		{2, "superblock: fragments is 9728000, more than its 2 inodes"},
		{1 << 30, "superblock: fragments is 9728000, but the 0 bytes before the inode table hold at most 0"},
	} {
		img := fragmentBomb(t, 19000, tc.inodes)
		if len(img) > 800_000 {
			t.Fatalf("the bomb is %d bytes", len(img))
		}
		p := filepath.Join(t.TempDir(), "bomb.squashfs")
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := ReadFile(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d inodes: read as %v, want %q", tc.inodes, err, tc.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("refusing it took %v", d)
		}
	}
}
