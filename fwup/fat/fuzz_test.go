package fat

import (
	"bytes"
	"testing"
)

// seedImage returns a small FAT12 image with a few files and directories.
func seedImage(t testing.TB) []byte {
	d := &memDevice{}
	v := NewVolumes(d)
	mkfs(t, v, d, 0, 200)
	if err := v.SetLabel(0, "SEED"); err != nil {
		t.Fatal(err)
	}
	if err := v.Mkdir(0, "dir"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, v, 0, "dir/A Long File Name.txt", bytes.Repeat([]byte("data"), 300))
	writeFile(t, v, 0, "short.txt", []byte("hello"))
	if err := v.Touch(0, "empty"); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	return sectorRange(d.data, 0, 200*sectorSize)
}

// FuzzOps runs every operation on a possibly corrupt image: whatever the
// bytes, the package must return errors, never panic or hang.
func FuzzOps(f *testing.F) {
	img := seedImage(f)
	f.Add(img, "dir/A Long File Name.txt", uint16(3))
	corrupt := bytes.Clone(img)
	corrupt[13] = 0 // no sectors per cluster
	f.Add(corrupt, "short.txt", uint16(0))
	chain := bytes.Clone(img)
	copy(chain[sectorSize+3:], []byte{0x03, 0x30, 0x00}) // clusters 2 and 3 point at each other
	f.Add(chain, "x/y", uint16(700))
	f.Fuzz(func(t *testing.T, img []byte, name string, at uint16) {
		d := &memDevice{data: bytes.Clone(img), limit: 1 << 20}
		v := NewVolumes(d)
		v.Exists(0, name)
		buf := make([]byte, 600)
		v.PRead(0, name, int64(at), buf)
		v.Mkdir(0, "new dir")
		v.Touch(0, "new dir/"+name)
		v.Attrib(0, name, "RHS")
		v.Truncate(0, "written")
		v.PWrite(0, "written", int64(at), bytes.Repeat([]byte{1}, 1500))
		v.PWrite(0, "written", 0, []byte("start"))
		v.Copy(0, name, 0, "copy")
		v.Move(0, "fat_mv!", "copy", name+".moved", true)
		v.Remove(0, "fat_rm", name, false)
		v.Remove(0, "fat_rm", "new dir", false)
		v.SetLabel(0, name)
		v.Close()
	})
}
