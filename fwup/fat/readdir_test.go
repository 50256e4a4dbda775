package fat

import (
	"errors"
	"slices"
	"testing"
)

// TestReadDir lists what the writer made: long names, 8.3 names in their
// stored case, directories, sizes and the label; a blank partition holds
// no filesystem.
func TestReadDir(t *testing.T) {
	d := &memDevice{}
	v := NewVolumes(d)
	mkfs(t, v, d, 63, 38630)
	for _, step := range []error{v.SetLabel(63, "BOOT-A"), v.Mkdir(63, "overlays")} {
		if step != nil {
			t.Fatal(step)
		}
	}
	writeFile(t, v, 63, "zImage", make([]byte, 5000))
	writeFile(t, v, 63, "CONFIG.TXT", []byte("x"))
	writeFile(t, v, 63, "cmdline.txt", []byte("root=/dev/mmcblk0p2"))
	writeFile(t, v, 63, "bcm2711-rpi-4-b.dtb", make([]byte, 300))
	writeFile(t, v, 63, "overlays/dwc2.dtbo", []byte("dt"))
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	root, err := v.ReadDir(63, "/")
	if err != nil {
		t.Fatal(err)
	}
	want := []DirEntry{{"overlays", true, 0}, {"zImage", false, 5000}, {"CONFIG.TXT", false, 1},
		{"cmdline.txt", false, 19}, {"bcm2711-rpi-4-b.dtb", false, 300}}
	if !slices.Equal(root, want) {
		t.Errorf("root:\n got %v\nwant %v", root, want)
	}
	if sub, err := v.ReadDir(63, "overlays"); err != nil || !slices.Equal(sub, []DirEntry{{"dwc2.dtbo", false, 2}}) {
		t.Errorf("overlays: %v, %v", sub, err)
	}
	if label, err := v.Label(63); label != "BOOT-A" || err != nil {
		t.Errorf("label %q, %v", label, err)
	}
	if _, err := v.ReadDir(63, "zImage"); err == nil {
		t.Error("a file listed as a directory")
	}
	if _, err := NewVolumes(&memDevice{}).ReadDir(0, ""); !errors.Is(err, ErrNoFilesystem) {
		t.Errorf("blank partition: %v", err)
	}
}
