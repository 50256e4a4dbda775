package fat

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestReadBack checks PRead, Exists and FileMatches on written files.
func TestReadBack(t *testing.T) {
	d := &memDevice{}
	v := NewVolumes(d)
	mkfs(t, v, d, 8, 5000)
	data := randomData(9, 10000)
	// fwup's second read ends at byte 8187 but it carries bytes 8177-8181
	// over to the third, so "needle" at 8183 is never seen whole.
	copy(data[8183:], "needle")
	copy(data[4093:], "pin") // across the first two reads: found
	copy(data[9500:], "pan")
	writeFile(t, v, 8, "hay stack.bin", data)

	got := make([]byte, 3000)
	n, err := v.PRead(8, "HAY STACK.BIN", 9000, got)
	if err != nil || n != 1000 || !bytes.Equal(got[:n], data[9000:]) {
		t.Fatalf("PRead at 9000: %d, %v", n, err)
	}
	if n, err := v.PRead(8, "hay stack.bin", 20000, got); n != 0 || err != nil {
		t.Fatalf("PRead past the end: %d, %v", n, err)
	}
	if _, err := v.PRead(8, "missing", 0, got); err == nil || err.Error() != "fat_pread can't open file(missing): FATFS: Could not find the file" {
		t.Fatalf("PRead of a missing file: %v", err)
	}

	if !v.Exists(8, "hay stack.bin") || v.Exists(8, "missing") {
		t.Error("Exists")
	}
	if err := v.Mkdir(8, "dir"); err != nil {
		t.Fatal(err)
	}
	if v.Exists(8, "dir") {
		t.Error("Exists is true for a directory")
	}
	for _, tc := range []struct {
		pattern string
		want    bool
	}{
		{"", true},
		{"pin", true},
		{"pan", true},
		{"needle", false}, // fwup's search misses a match across its reads
		{string(data[100:200]), true},
		{"not in there", false},
		{strings.Repeat("x", 4096), false},
	} {
		if got := v.FileMatches(8, "hay stack.bin", tc.pattern); got != tc.want {
			t.Errorf("FileMatches(%.20q) = %v", tc.pattern, got)
		}
	}
	if v.FileMatches(8, "missing", "") {
		t.Error("FileMatches on a missing file")
	}
}

// TestHoleyWrite checks that writing past the end fills with zeros.
func TestHoleyWrite(t *testing.T) {
	d := &memDevice{}
	v := NewVolumes(d)
	mkfs(t, v, d, 0, 5000)
	if err := v.Truncate(0, "holes"); err != nil {
		t.Fatal(err)
	}
	if err := v.PWrite(0, "holes", 1000, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if err := v.PWrite(0, "holes", 5000, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.PWrite(0, "holes", 10, []byte("xy")); err != nil { // back inside
		t.Fatal(err)
	}
	want := make([]byte, 5000)
	copy(want[1000:], "abc")
	copy(want[10:], "xy")
	got := make([]byte, 6000)
	n, err := v.PRead(0, "holes", 0, got)
	if err != nil || !bytes.Equal(got[:n], want) {
		t.Fatalf("read back %d bytes, %v", n, err)
	}
}

// TestDeviceErrors checks that a failing Device gives FatFs's disk error
// at every point of a fat_write, with the Device's error behind it.
func TestDeviceErrors(t *testing.T) {
	for fail := 1; fail < 200; fail += 7 {
		d := &memDevice{}
		v := NewVolumes(d)
		mkfs(t, v, d, 0, 5000)
		if err := v.Mkdir(0, "dir"); err != nil {
			t.Fatal(err)
		}
		d.failAfter = fail
		err := v.Truncate(0, "dir/file")
		for at := 0; err == nil && at < 20000; at += 3000 {
			err = v.PWrite(0, "dir/file", int64(at), randomData(1, 3000))
		}
		if err == nil {
			continue
		}
		if !strings.HasSuffix(err.Error(), "): FATFS: A hard error occurred in the low level disk I/O layer") {
			t.Errorf("failure after %d operations: %v", fail, err)
		}
		if !errors.Is(err, errInjected) {
			t.Errorf("failure after %d operations: %v does not wrap the device error", fail, err)
		}
	}
}

// TestErrorTexts checks fwup's wording for failures the oracle cannot
// show (fwup ignores fat_attrib's failure) and the glue's own messages.
func TestErrorTexts(t *testing.T) {
	d := &memDevice{}
	v := NewVolumes(d)
	mkfs(t, v, d, 0, 300)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{v.Attrib(0, "nope", "R"), "fat_attrib(nope): FATFS: Could not find the file"},
		{v.Mkfs(0, 100), "fat_mkfs(): FATFS: f_mkfs() aborted due to a parameter error. Try adjusting the partition size."},
		{v.Truncate(0, "bad|name"), "Can't open file on FAT partition(bad|name): FATFS: The path name format is invalid"},
		{v.PWrite(0, "x:y", 0, nil), "fat_write can't open file(x:y): FATFS: The path name format is invalid"},
		{v.Copy(0, "nope", 0, "b"), "fatfs_cp can't open file(nope): FATFS: Could not find the file"},
		{v.Move(0, "fat_mv", "nope", "b", false), "fat_mv(nope): FATFS: Could not find the file"},
		{v.SetLabel(0, "bad*"), "fat_setlabel(bad*): FATFS: The path name format is invalid"},
		{v.Remove(0, "fat_rm!", "nope", true), "fat_rm!(nope): FATFS: Could not find the file"},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("got %v, want %q", tc.err, tc.want)
		}
	}
}

// streamDevice is a memDevice that takes streamed writes and records the
// volume sectors each kind of write started at.
type streamDevice struct {
	memDevice
	streamed, cached []int64
}

func (d *streamDevice) WriteAt(p []byte, off int64) (int, error) {
	d.cached = append(d.cached, off/sectorSize)
	return d.memDevice.WriteAt(p, off)
}

func (d *streamDevice) Stream(p []byte, off int64) error {
	d.streamed = append(d.streamed, off/sectorSize)
	_, err := d.memDevice.WriteAt(p, off)
	return err
}

// TestStreamedWrites: as fwup's disk_write, every write past a volume's
// first 1 MiB (sector 2048) is a streamed one and every write before it
// a cached one, so a large file's data goes through without filling the
// cache, while the FATs stay cached.
func TestStreamedWrites(t *testing.T) {
	d := &streamDevice{}
	v := NewVolumes(d)
	const base = 63
	if err := v.Mkfs(base, 40000); err != nil {
		t.Fatal(err)
	}
	data := randomData(3, 4<<20)
	writeFile(t, v, base, "big.bin", data)
	if len(d.streamed) == 0 || len(d.cached) == 0 {
		t.Fatalf("%d streamed and %d cached writes; want both", len(d.streamed), len(d.cached))
	}
	for _, s := range d.streamed {
		if s-base <= streamedAfter {
			t.Errorf("volume sector %d written as streamed", s-base)
		}
	}
	for _, s := range d.cached {
		if s-base > streamedAfter {
			t.Errorf("volume sector %d written as cached", s-base)
		}
	}
	got := make([]byte, len(data))
	if n, err := v.PRead(base, "big.bin", 0, got); err != nil || n != len(data) || !bytes.Equal(got, data) {
		t.Fatalf("reading the file back: %d bytes, %v", n, err)
	}
}
