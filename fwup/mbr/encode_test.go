package mbr

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestEncodeGolden compares Encode with the images the real fwup wrote
// for testdata/cases.conf (see testdata/README.md).
func TestEncodeGolden(t *testing.T) {
	fwtest.EncodeGoldens(t, "mbr", func(sec *conf.Section, numBlocks uint64) (fwtest.Golden, error) {
		tab, err := FromConfig(sec)
		if err != nil {
			return nil, err
		}
		blocks, err := tab.Encode(numBlocks)
		return apply(blocks), err
	})
}

// TestEncodeFixtures compares the MBR of fwup's reference images: mbr-a
// written by the complete task on a new file, and mbr-b written by
// upgrade.b on that (existing, 110592-block) file.
func TestEncodeFixtures(t *testing.T) {
	for _, tc := range []struct {
		image, mbr string
		numBlocks  uint64
	}{
		{"complete.img.zst", "mbr-a", 0},
		{"upgraded-b.img.zst", "mbr-b", 110592},
	} {
		t.Run(tc.mbr, func(t *testing.T) {
			img := fwtest.ReadZstd(t, filepath.Join(fixtures, tc.image))
			if uint64(len(img)) != tc.numBlocks*BlockSize && tc.numBlocks != 0 {
				t.Fatalf("%s is %d bytes", tc.image, len(img))
			}
			tab, err := FromConfig(fwtest.Section(t, filepath.Join(fixtures, "fwup.conf"), "mbr", tc.mbr))
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := tab.Encode(tc.numBlocks)
			if err != nil {
				t.Fatal(err)
			}
			if len(blocks) != 1 || blocks[0].LBA != 0 {
				t.Fatalf("got %d blocks, first at %d", len(blocks), blocks[0].LBA)
			}
			if got, want := blocks[0].Data[:], img[:BlockSize]; string(got) != string(want) {
				t.Errorf("MBR differs:\n got %x\nwant %x", got, want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	bad := "0g" + string(make([]byte, 0))
	for len(bad) < 2*BootstrapSize {
		bad += "00"
	}
	base := Table{}
	base.Partitions[0] = Partition{Type: 1, BlockOffset: 10, BlockCount: 10}

	for _, tc := range []struct {
		name       string
		edit       func(*Table)
		want       string
		notWritten bool
	}{
		{"bad hex", func(t *Table) { t.BootstrapCode = bad }, "Invalid character in hex string", false},
		{"short hex", func(t *Table) { t.BootstrapCode = "00" }, "hex string should have length 880, but got 2", false},
		{"bootstrap and OSIP", func(t *Table) {
			t.BootstrapCode = bad[2:] + "00"
			t.OSIP = &OSIP{Images: make([]OSII, 1)}
		}, "Can't specify both bootstrap and OSIP in MBR", true},
		{"overlap", func(t *Table) {
			t.Partitions[1] = Partition{Type: 1, BlockOffset: 15, BlockCount: 10}
		}, "partitions 0 (blocks 10 to 20) and 1 (blocks 15 to 25) overlap", true},
		{"bad type", func(t *Table) { t.Partitions[2].Type = 300 }, "invalid partition type", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := base
			tc.edit(&tab)
			_, err := tab.Encode(0)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if errors.Is(err, ErrNotWritten) != tc.notWritten {
				t.Errorf("errors.Is(ErrNotWritten) = %v", !tc.notWritten)
			}
		})
	}
}

// TestVerifyExpand covers the expand rule of fwup's mbr_verify, which
// only a table that was not expanded first can reach.
func TestVerifyExpand(t *testing.T) {
	var tab Table
	tab.Partitions[0] = Partition{Type: 1, BlockOffset: 10, BlockCount: 10, Expand: true}
	tab.Partitions[1] = Partition{Type: 1, BlockOffset: 100, BlockCount: 10}
	err := tab.verify()
	if want := `a partition can't be specified after the one with "expand = true"`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	tab.Partitions[1].Type = 0
	if err := tab.verify(); err != nil {
		t.Errorf("unused partition after expand: %v", err)
	}
}

func TestLBAToCHS(t *testing.T) {
	for _, tc := range []struct {
		lba  uint32
		want [3]byte
	}{
		{0, [3]byte{0, 1, 0}},
		{62, [3]byte{0, 63, 0}},
		{63, [3]byte{1, 1, 0}},
		{16064, [3]byte{254, 63, 0}},
		{16065, [3]byte{0, 1, 1}},
		{256 * 16065, [3]byte{0, 0x41, 0}},
		{maxCHSLBA, [3]byte{0, 0xc1, 0xff}},
		{maxCHSLBA + 1, [3]byte{}},
		{0xffffffff, [3]byte{}},
	} {
		var got [3]byte
		lbaToCHS(tc.lba, got[:])
		if got != tc.want {
			t.Errorf("lbaToCHS(%d) = % x, want % x", tc.lba, got, tc.want)
		}
	}
}
