package mmc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cardMachine has an SD card in a USB reader at /dev/sdb, as sysfs shows
// one: size, reader model, the card's CID, a disk sequence number.
func cardMachine(t *testing.T) *fakeMachine {
	m := newFakeMachine(t)
	m.disk("sdb", Mkdev(sdMajor, 16), 1<<20, "2048\n", "1\n")
	dir := "/sys/devices/virtual/block/sdb"
	m.write(dir+"/device/vendor", "Generic \n")
	m.write(dir+"/device/model", "STORAGE DEVICE  \n")
	m.write(dir+"/device/cid", "035344534431364780a1b2c3d4014b00\n")
	m.write(dir+"/diskseq", "17\n")
	return m
}

func TestIdentify(t *testing.T) {
	m := cardMachine(t)
	m.link("/dev/disk/by-id/usb-card", "../../sdb")
	want := Identity{Rdev: Mkdev(sdMajor, 16), Size: 1 << 20, Model: "Generic STORAGE DEVICE",
		Serial: "035344534431364780a1b2c3d4014b00", DiskSeq: "17"}
	for _, p := range []string{"/dev/sdb", "/dev/disk/by-id/usb-card"} {
		if got, err := m.system().Identify(p); err != nil || got != want {
			t.Errorf("Identify(%s) = %+v, %v; want %+v", p, got, err, want)
		}
	}
	m.write("/dev/null", "")
	m.ids["/dev/null"] = DeviceIDs{Rdev: Mkdev(1, 3), Char: true}
	m.write("/dev/file", "")
	for _, p := range []string{"/dev/null", "/dev/file"} {
		if _, err := m.system().Identify(p); !errors.Is(err, ErrNotBlockDevice) {
			t.Errorf("Identify(%s), not a block device: %v", p, err)
		}
	}
}

// TestOpenIdentifiedRefusesASwappedCard: whatever tells the card taken at
// the prompt from the one there at the open, nothing is opened, and the
// error names the device and the change.
func TestOpenIdentifiedRefusesASwappedCard(t *testing.T) {
	dir := "/sys/devices/virtual/block/sdb"
	swaps := []struct {
		name, what string
		swap       func(m *fakeMachine)
	}{
		{"another card, same size", `serial was "035344534431364780a1b2c3d4014b00", now "03534453443136478099999999014b00"`,
			func(m *fakeMachine) { m.write(dir+"/device/cid", "03534453443136478099999999014b00\n") }},
		{"a bigger card", "size was 1048576 bytes, now 2097152 bytes",
			func(m *fakeMachine) { m.write(dir+"/size", "4096\n") }},
		{"a new medium in the same reader", "disk sequence number was 17, now 18",
			func(m *fakeMachine) { m.write(dir+"/diskseq", "18\n") }},
		{"the node now another disk", "device number was 8:16, now 8:32",
			func(m *fakeMachine) { m.ids["/dev/sdb"] = DeviceIDs{Rdev: Mkdev(sdMajor, 32)} }},
		{"the card removed", "it is gone",
			func(m *fakeMachine) { os.Remove(filepath.Join(m.root, "dev/sdb")) }},
	}
	for _, tt := range swaps {
		t.Run(tt.name, func(t *testing.T) {
			m := cardMachine(t)
			sys := m.system()
			want, err := sys.Identify("/dev/sdb")
			if err != nil {
				t.Fatal(err)
			}
			tt.swap(m)
			d, err := sys.OpenIdentified("/dev/sdb", want)
			var changed *ChangedError
			if !errors.As(err, &changed) || !strings.Contains(err.Error(), tt.what) ||
				!strings.HasPrefix(err.Error(), "/dev/sdb is not the card that was chosen (") {
				t.Errorf("OpenIdentified = %v, want a change naming %q", err, tt.what)
			}
			if d != nil {
				d.Close()
			}
		})
	}
}

func TestOpenIdentifiedOpensTheSameCard(t *testing.T) {
	m := cardMachine(t)
	sys := m.system()
	want, err := sys.Identify("/dev/sdb")
	if err != nil {
		t.Fatal(err)
	}
	d, err := sys.OpenIdentified("/dev/sdb", want)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Path() != "/dev/sdb" || d.Size() != 1<<20 {
		t.Errorf("opened %s of %d bytes", d.Path(), d.Size())
	}
}
