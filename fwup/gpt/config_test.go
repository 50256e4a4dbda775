package gpt

import (
	"testing"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestFromConfigErrors checks FromConfig against fwup's verdicts recorded
// in testdata/errors.txt (see fwup/testdata/gen-verdicts.sh).
func TestFromConfigErrors(t *testing.T) {
	fwtest.Verdicts(t, "testdata/errors.txt", "gpt", 50, func(sec *conf.Section) error {
		_, err := FromConfig(sec)
		return err
	})
}

func TestFromConfigFields(t *testing.T) {
	text := `gpt x {
		guid = 01234567-89ab-cdef-0123-456789ABCDEF
		partition 3 {
			block-offset = 0x100
			block-count = 10
			type = 0fc63daf-8483-4772-8e79-3d69d8477de4
			guid = fcc205c8-2f1c-4dcd-bef4-7b209aa15cca
			name = "rootfs"
			flags = 0x10
			boot = true
			expand = true
		}
	}`
	sec := fwtest.Parse(t, "t.conf", ".", []byte(text)).Find("gpt", "x")
	tab, err := FromConfig(sec)
	if err != nil {
		t.Fatal(err)
	}
	wantGUID := [16]byte{0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	if tab.DiskGUID != wantGUID {
		t.Errorf("disk GUID % x", tab.DiskGUID)
	}
	for i, p := range tab.Partitions {
		if (p != nil) != (i == 3) {
			t.Errorf("partition %d: %v", i, p)
		}
	}
	p := tab.Partitions[3]
	want := Partition{BlockOffset: 256, BlockCount: 10, Flags: 0x14, Expand: true,
		Type: [16]byte{0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4},
		GUID: [16]byte{0xc8, 0x05, 0xc2, 0xfc, 0x1c, 0x2f, 0xcd, 0x4d, 0xbe, 0xf4, 0x7b, 0x20, 0x9a, 0xa1, 0x5c, 0xca}}
	copy(want.Name[:], "r\x00o\x00o\x00t\x00f\x00s\x00")
	if *p != want {
		t.Errorf("got  %+v\nwant %+v", *p, want)
	}
	if sec.Sections("partition")[0].String("flags") != "0x10" {
		t.Errorf("FromConfig changed the section")
	}
}

func TestParseGUID(t *testing.T) {
	for s, ok := range map[string]bool{
		"5278721d-0089-4768-85df-b8f1b97e6684":       true,
		"5278721D-0089-4768-85DF-B8F1B97E6684 extra": true,
		"5278721d-0089-4768-85df-b8f1b97e668":        false,
		"5278721d00089-4768-85df-b8f1b97e6684":       false,
		"5278721d-0089-4768-85df-b8f1b97e668x":       false,
		"{278721d-0089-4768-85df-b8f1b97e6684}":      false,
		"":                                           false,
	} {
		if _, got := parseGUID(s); got != ok {
			t.Errorf("parseGUID(%q) ok = %v", s, got)
		}
	}
}
