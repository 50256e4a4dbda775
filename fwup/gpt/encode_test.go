package gpt

import (
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestEncodeGolden compares Encode with the images the real fwup wrote
// for testdata/cases.conf (see testdata/README.md).
func TestEncodeGolden(t *testing.T) {
	fwtest.EncodeGoldens(t, "gpt", func(sec *conf.Section, numBlocks uint64) (fwtest.Golden, error) {
		tab, err := FromConfig(sec)
		if err != nil {
			return nil, err
		}
		blocks, err := tab.Encode(numBlocks)
		return apply(blocks), err
	})
}

// TestEncodeFixture checks every block Encode returns for misc.conf's GPT
// against fwup's reference image misc/gpt.img, written to a new file (size
// unknown).
func TestEncodeFixture(t *testing.T) {
	img := fwtest.ReadZstd(t, filepath.Join(fixtures, "misc", "gpt.img.zst"))
	tab, err := FromConfig(fwtest.Section(t, filepath.Join(fixtures, "misc", "misc.conf"), "gpt", "my-gpt"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Partitions[0].Flags != 0x4 {
		t.Errorf("boot = true gave flags %#x", tab.Partitions[0].Flags)
	}
	blocks, err := tab.Encode(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2+EntryBlocks+SizeBlocks {
		t.Fatalf("got %d blocks", len(blocks))
	}
	// 64+8192 and 8256+4096 end at 12352; 34 more blocks hold the backup.
	if last := blocks[len(blocks)-1].LBA; last != 12352+SizeBlocks {
		t.Errorf("backup header at %d", last)
	}
	for _, b := range blocks {
		off := b.LBA * BlockSize
		if off+BlockSize > uint64(len(img)) {
			t.Fatalf("block %d is past the image's end", b.LBA)
		}
		if got, want := b.Data[:], img[off:off+BlockSize]; string(got) != string(want) {
			t.Errorf("block %d:\n got %x\nwant %x", b.LBA, got, want)
		}
	}
}

// TestEncodeLayout checks the order and addresses of the blocks and the
// wrap-around of fwup's 32-bit block numbers.
func TestEncodeLayout(t *testing.T) {
	tab := &Table{}
	tab.Partitions[0] = &Partition{BlockOffset: 40, BlockCount: 10, Expand: true}
	for _, tc := range []struct {
		numBlocks uint64
		backup    uint64 // LBA of the backup entries
		count     uint64 // partition 0's size as written
	}{
		{0, 50 + 1, 10},
		{1000, 967, 1000 - 34 - 40},
		{1 << 32, 51, 10},                   // low 32 bits are 0: unknown size
		{1<<32 + 1000, 967, 1000 - 34 - 40}, // only the low 32 bits count
		{84, 51, 10},                        // no room to grow
		{85, 52, 11},                        // one block to grow into
		{20, 1<<32 - 13, 10},                // 20 - 33 wraps as in fwup
		{0xffffffff, 0xffffffff - SizeBlocks, 0xffffffff - 34 - 40},
	} {
		blocks, err := tab.Encode(tc.numBlocks)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range blocks[:34] {
			if b.LBA != uint64(i) {
				t.Fatalf("%d: block %d at LBA %d", tc.numBlocks, i, b.LBA)
			}
		}
		for i, b := range blocks[34:] {
			if b.LBA != tc.backup+uint64(i) {
				t.Fatalf("%d: backup block %d at LBA %d, want %d", tc.numBlocks, i, b.LBA, tc.backup+uint64(i))
			}
		}
		entry := blocks[2].Data[:EntrySize]
		first, last := le64(entry[32:]), le64(entry[40:])
		if first != 40 || last-first+1 != tc.count {
			t.Errorf("%d: partition 0 is %d-%d, want %d blocks", tc.numBlocks, first, last, tc.count)
		}
	}
}

func le64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}
