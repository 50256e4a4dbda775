package mbr

import (
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
)

func TestDecode(t *testing.T) {
	_, g := fwtest.ReadGolden(t, "testdata/ext-0.golden")
	tab, err := Decode(g[0])
	if err != nil {
		t.Fatal(err)
	}
	want := [4]Partition{
		{Type: 0x0c, Boot: true, BlockOffset: 63, BlockCount: 1000},
		{Type: 0x83, BlockOffset: 2048, BlockCount: 2048},
		{},
		{Type: 0x0f, BlockOffset: 8192, BlockCount: 25000 - 8192},
	}
	if [4]Partition(tab.Partitions[:4]) != want {
		t.Errorf("got %+v\nwant %+v", tab.Partitions[:4], want)
	}

	var blank [BlockSize]byte
	if _, err := Decode(blank); err == nil || err.Error() != "MBR signature missing" {
		t.Errorf("blank block: %v", err)
	}
	blank[510], blank[511] = 0x55, 0xab
	if _, err := Decode(blank); err == nil {
		t.Errorf("bad signature accepted")
	}
}

// TestDecodeFixture reads partition 1's offset from the reference images,
// which is what require-partition-offset(1, …) selects upgrade tasks by.
func TestDecodeFixture(t *testing.T) {
	for image, want := range map[string]uint32{"complete.img.zst": 77324, "upgraded-b.img.zst": 93708} {
		img := fwtest.ReadZstd(t, filepath.Join(fixtures, image))
		tab, err := Decode([BlockSize]byte(img[:BlockSize]))
		if err != nil {
			t.Fatal(err)
		}
		if got := tab.Partitions[1].BlockOffset; got != want {
			t.Errorf("%s: partition 1 at %d, want %d", image, got, want)
		}
	}
}

// TestRoundTrip encodes tables and decodes the MBR back.
func TestRoundTrip(t *testing.T) {
	tab := &Table{Signature: 7}
	tab.Partitions[0] = Partition{Type: 0x0c, Boot: true, BlockOffset: 2048, BlockCount: 4096}
	tab.Partitions[1] = Partition{Type: 0, BlockOffset: 1, BlockCount: 2}
	tab.Partitions[2] = Partition{Type: 0x83, BlockOffset: 8192, BlockCount: 100, Expand: true}
	blocks, err := tab.Encode(10000)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(blocks[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	want := tab.Partitions
	want[2].Expand, want[2].BlockCount = false, 10000-8192
	if got.Partitions != want {
		t.Errorf("got %+v\nwant %+v", got.Partitions, want)
	}
}
