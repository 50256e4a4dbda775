package mmc

import (
	"fmt"
	"io"
	"os"
	"unsafe"

	"github.com/firmwright/firmwright/internal/bufpool"
)

const (
	// sectorSize is the unit of every device access: O_DIRECT needs offsets
	// and lengths aligned to the logical block size, and fwup's is 512.
	sectorSize = 512
	// directAlign is the memory alignment of O_DIRECT buffers: a page
	// satisfies every logical block size.
	directAlign = 4096
	// bounceSize is how much one O_DIRECT transfer moves: one fwup block
	// cache segment.
	bounceSize = 128 << 10
)

// Device is an open block device (or image file) for the apply engine. Reads
// and writes take any offset and length that are multiples of 512 bytes,
// whatever the alignment of the caller's buffer. It is safe for concurrent
// ReadAt and WriteAt calls.
type Device struct {
	file   *os.File
	path   string
	direct bool
	bounce *bufpool.Pool // aligned buffers of bounceSize, for O_DIRECT transfers
}

var (
	_ io.ReaderAt = (*Device)(nil)
	_ io.WriterAt = (*Device)(nil)
)

func newDevice(f *os.File, path string, direct bool) *Device {
	return &Device{file: f, path: path, direct: direct, bounce: bufpool.New(bounceSize, 4, alignedBuffer)}
}

// Path is the path the device was opened with.
func (d *Device) Path() string { return d.path }

// Direct reports whether I/O bypasses the page cache (O_DIRECT).
func (d *Device) Direct() bool { return d.direct }

// ReadAt reads len(p) bytes at off; at the end of the device it returns
// fewer bytes and io.EOF.
func (d *Device) ReadAt(p []byte, off int64) (int, error) { return d.transfer(p, off, false) }

// WriteAt writes p at off.
func (d *Device) WriteAt(p []byte, off int64) (int, error) { return d.transfer(p, off, true) }

// transfer reads or writes p at off; with O_DIRECT it goes through an
// aligned bounce buffer, since callers' buffers have no particular alignment.
func (d *Device) transfer(p []byte, off int64, write bool) (int, error) {
	op, rw := "read", d.file.ReadAt
	if write {
		op, rw = "write", d.file.WriteAt
	}
	if err := d.checkAligned(op, len(p), off); err != nil {
		return 0, err
	}
	if !d.direct {
		return rw(p, off)
	}
	buf := d.bounce.Get()
	defer d.bounce.Put(buf)
	done := 0
	for done < len(p) {
		chunk := buf[:min(len(buf), len(p)-done)]
		if write {
			copy(chunk, p[done:])
		}
		n, err := rw(chunk, off+int64(done))
		if !write {
			copy(p[done:], chunk[:n])
		}
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

func (d *Device) checkAligned(op string, length int, off int64) error {
	if off < 0 || off%sectorSize != 0 || length%sectorSize != 0 {
		return fmt.Errorf("mmc: %s of %d bytes at offset %d on %s: offset and length must be non-negative multiples of %d", op, length, off, d.path, sectorSize)
	}
	return nil
}

// Size is the device's size in bytes, found by seeking to its end as fwup
// does (stat reports 0 for block devices). 0 means unknown: fwup treats an
// error and an empty device alike and warns with SizeUnknownMessage.
func (d *Device) Size() int64 {
	end, err := d.file.Seek(0, io.SeekEnd)
	if err != nil || end < 0 {
		return 0
	}
	return end
}

// Sync flushes what was written to the device.
func (d *Device) Sync() error { return d.file.Sync() }

// Close closes the device.
func (d *Device) Close() error { return d.file.Close() }

// alignedBuffer returns size bytes starting at a directAlign boundary.
func alignedBuffer(size int) []byte {
	b := make([]byte, size+directAlign)
	skip := 0
	if rem := int(uintptr(unsafe.Pointer(&b[0])) % directAlign); rem != 0 {
		skip = directAlign - rem
	}
	return b[skip : skip+size : skip+size]
}
