package fat

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
)

// Boot partition A of the reference fwup.conf.
const (
	bootAOffset = 63
	bootACount  = 38630
)

// TestCompleteImageBootA replays the FAT actions of the reference
// config's complete task and compares boot partition A with the one real
// fwup made (complete.img), slack masked.
func TestCompleteImageBootA(t *testing.T) {
	input := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(fixtures, "inputs", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	d := &memDevice{}
	v := NewVolumes(d)

	// on-init
	mkfs(t, v, d, bootAOffset, bootACount)
	if err := v.SetLabel(bootAOffset, "BOOT-A"); err != nil {
		t.Fatal(err)
	}
	if err := v.Mkdir(bootAOffset, "overlays"); err != nil {
		t.Fatal(err)
	}
	// on-resource, in archive order
	for _, w := range []struct{ input, name string }{
		{"bootcode.bin", "bootcode.bin"},
		{"cmdline-a.txt", "cmdline.txt"},
		{"config.txt", "config.txt"},
		{"fixup.dat", "fixup.dat"},
		{"start.elf", "start.elf"},
		{"zImage", "zImage"},
		{"bcm2708-rpi-zero-w.dtb", "bcm2708-rpi-zero-w.dtb"},
		{"dwc2.dtbo", "overlays/dwc2.dtbo"},
	} {
		writeFile(t, v, bootAOffset, w.name, input(w.input))
	}
	writeFile(t, v, bootAOffset, "NOTES.TXT", []byte("Release 0.1.0\nBuilt by fwup\n"))
	// fwup closes the FAT state before on-finish.
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v.Touch(bootAOffset, "empty.txt"); err != nil {
		t.Fatal(err)
	}
	if err := v.Attrib(bootAOffset, "empty.txt", "H"); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	ref := fwtest.ReadZstd(t, filepath.Join(fixtures, "complete.img.zst"))
	start, end := bootAOffset*sectorSize, (bootAOffset+bootACount)*sectorSize
	want := masked(t, ref[start:end])
	got := masked(t, sectorRange(d.data, start, end))
	if !bytes.Equal(got, want) {
		t.Fatalf("boot partition A differs from fwup's:\n%s", diffImages(got, want))
	}
}

// sectorRange returns img[start:end], zero-extended.
func sectorRange(img []byte, start, end int) []byte {
	out := make([]byte, end-start)
	if start < len(img) {
		copy(out, img[start:min(end, len(img))])
	}
	return out
}
