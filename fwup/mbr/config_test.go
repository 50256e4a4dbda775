package mbr

import (
	"fmt"
	"testing"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestFromConfigErrors checks FromConfig against fwup's verdicts recorded
// in testdata/errors.txt (see fwup/testdata/gen-verdicts.sh).
func TestFromConfigErrors(t *testing.T) {
	fwtest.Verdicts(t, "testdata/errors.txt", "mbr", 50, func(sec *conf.Section) error {
		_, err := FromConfig(sec)
		return err
	})
}

func TestFromConfigFields(t *testing.T) {
	text := `mbr x {
		signature = "-1"
		partition 0 { block-offset = 63 block-count = 100 type = 0x10000000c boot = true }
		partition 3 { block-offset = 1000 type = 0x0f boot = true }
		partition 5 { block-offset = 1100 block-count = 10 type = 0x83 expand = true }
		partition 4 { block-offset = 1010 block-count = 10 type = 0x83 }
	}`
	sec := fwtest.Parse(t, "t.conf", ".", []byte(text)).Find("mbr", "x")
	tab, err := FromConfig(sec)
	if err != nil {
		t.Fatal(err)
	}
	want := Table{Signature: 0xffffffff, LogicalCount: 1}
	want.Partitions[0] = Partition{Type: 0x0c, Boot: true, BlockOffset: 63, BlockCount: 100}
	want.Partitions[3] = Partition{Type: 0x0f, Expand: true, BlockOffset: 1000, BlockCount: 1}
	want.Partitions[4] = Partition{Type: 0x83, BlockOffset: 1010, BlockCount: 10, RecordOffset: 1000}
	want.Partitions[5] = Partition{Type: 0x83, Expand: true, BlockOffset: 1100, BlockCount: 10, RecordOffset: 1001}
	if fmt.Sprint(*tab) != fmt.Sprint(want) {
		t.Errorf("got  %+v\nwant %+v", *tab, want)
	}
}

func TestFromConfigOSIP(t *testing.T) {
	text := `mbr x {
		include-osip = true
		osip-major = 0x102
		osii 2 { os-major = 7 attribute = 0x1ff }
		osii 0 { }
		partition 0 { block-offset = 63 block-count = 100 type = 1 }
	}`
	sec := fwtest.Parse(t, "t.conf", ".", []byte(text)).Find("mbr", "x")
	tab, err := FromConfig(sec)
	if err != nil {
		t.Fatal(err)
	}
	want := OSIP{Major: 2, Minor: 0, NumPointers: 1, Images: []OSII{{Attribute: 15}, {}, {OSMajor: 7, Attribute: 0xff}}}
	if fmt.Sprint(*tab.OSIP) != fmt.Sprint(want) {
		t.Errorf("got  %+v\nwant %+v", *tab.OSIP, want)
	}
}
