package fat

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/firmwright/firmwright/internal/fatslack"
)

// fixtures is the fwup reference set (testdata/fwup-ref, made by a real
// fwup with testdata/record-fwup).
const fixtures = "../../testdata/fwup-ref"

// memDevice is a growable in-memory Device: reads past the end return
// zeros, as fwup's cache does for a new image file.
type memDevice struct {
	data []byte
	// failAfter, when positive, makes the device fail once that many
	// more operations have succeeded.
	failAfter int
	// limit, when positive, is the size the device cannot grow past.
	limit int64
}

var errInjected = errors.New("injected device failure")

func (d *memDevice) fail() bool {
	if d.failAfter <= 0 {
		return false
	}
	d.failAfter--
	return d.failAfter == 0
}

func (d *memDevice) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if d.fail() {
		return 0, errInjected
	}
	clear(p)
	if off < int64(len(d.data)) {
		copy(p, d.data[off:])
	}
	return len(p), nil
}

func (d *memDevice) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if d.fail() {
		return 0, errInjected
	}
	if d.limit > 0 && off+int64(len(p)) > d.limit {
		return 0, errors.New("write past the device's end")
	}
	if end := off + int64(len(p)); end > int64(len(d.data)) {
		d.data = append(d.data, make([]byte, end-int64(len(d.data)))...)
	}
	copy(d.data[off:], p)
	return len(p), nil
}

// prepareMkfs does what the apply engine does before Volumes.Mkfs: the
// range reads as zeros (fwup trims it in its cache) and its last block is
// all 0xFF.
func (d *memDevice) prepareMkfs(blockOffset, blockCount int64) {
	start, end := blockOffset*sectorSize, (blockOffset+blockCount)*sectorSize
	if end > int64(len(d.data)) {
		d.data = append(d.data, make([]byte, end-int64(len(d.data)))...)
	}
	clear(d.data[start:end])
	copy(d.data[end-sectorSize:end], bytes.Repeat([]byte{0xFF}, sectorSize))
}

// mkfs formats a volume on d the way the engine will.
func mkfs(t testing.TB, v *Volumes, d *memDevice, blockOffset, blockCount int64) {
	t.Helper()
	d.prepareMkfs(blockOffset, blockCount)
	if err := v.Mkfs(blockOffset, blockCount); err != nil {
		t.Fatalf("Mkfs(%d, %d): %v", blockOffset, blockCount, err)
	}
}

// writeFile is fat_write: truncate, then the data in chunks.
func writeFile(t testing.TB, v *Volumes, blockOffset int64, name string, data []byte) {
	t.Helper()
	if err := v.Truncate(blockOffset, name); err != nil {
		t.Fatal(err)
	}
	const chunk = 64 << 10
	for at := 0; at < len(data); at += chunk {
		if err := v.PWrite(blockOffset, name, int64(at), data[at:min(at+chunk, len(data))]); err != nil {
			t.Fatal(err)
		}
	}
}

// masked returns a copy of img with FAT file slack zeroed.
func masked(t testing.TB, img []byte) []byte {
	t.Helper()
	c := bytes.Clone(img)
	if _, err := fatslack.Mask(c); err != nil {
		t.Fatalf("masking slack: %v", err)
	}
	return c
}

// diffImages describes where two images differ, or returns "".
func diffImages(got, want []byte) string {
	n := max(len(got), len(want))
	var out bytes.Buffer
	shown := 0
	for s := 0; s < n; s += sectorSize {
		g, w := sectorOf(got, s), sectorOf(want, s)
		if bytes.Equal(g, w) {
			continue
		}
		if shown == 8 {
			out.WriteString("…\n")
			break
		}
		shown++
		i := 0
		for i < sectorSize && g[i] == w[i] {
			i++
		}
		fmt.Fprintf(&out, "sector %d (byte %d): got % x, want % x\n", s/sectorSize, s+i, g[i:min(i+16, sectorSize)], w[i:min(i+16, sectorSize)])
	}
	return out.String()
}

func sectorOf(img []byte, off int) []byte {
	s := make([]byte, sectorSize)
	if off < len(img) {
		copy(s, img[off:])
	}
	return s
}
