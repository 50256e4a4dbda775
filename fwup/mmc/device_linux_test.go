//go:build linux

package mmc

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"unsafe"
)

// refuseDirect opens files like a file system without O_DIRECT support.
func refuseDirect(name string, flag int, perm os.FileMode) (*os.File, error) {
	if flag&syscall.O_DIRECT != 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: syscall.EINVAL}
	}
	return os.OpenFile(name, flag, perm)
}

// imageFile is a zero-filled file of size bytes standing in for a device.
func imageFile(t *testing.T, size int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, size); err != nil {
		t.Fatal(err)
	}
	return p
}

// pattern is n bytes that differ from block to block.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i/7) ^ seed
	}
	return b
}

var openModes = []struct {
	name   string
	open   openFileFunc
	direct bool
}{
	{"O_DIRECT", os.OpenFile, true},
	{"fallback", refuseDirect, false},
}

func TestDeviceReadWrite(t *testing.T) {
	for _, mode := range openModes {
		t.Run(mode.name, func(t *testing.T) {
			p := imageFile(t, 1<<20)
			d, err := openDevice(p, mode.open)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if mode.direct && !d.Direct() {
				t.Skip("the temporary directory's file system refuses O_DIRECT")
			}
			if !mode.direct && d.Direct() {
				t.Fatal("Direct() after the fallback")
			}
			if got := d.Size(); got != 1<<20 {
				t.Errorf("Size() = %d", got)
			}

			// A buffer at an odd address, longer than one bounce transfer.
			big := make([]byte, 300*1024+1)[1:]
			copy(big, pattern(len(big), 0x5a))
			small := pattern(3*512, 0xa5)
			for _, w := range []struct {
				data []byte
				off  int64
			}{{big, 4096}, {small, 512}} {
				if n, err := d.WriteAt(w.data, w.off); n != len(w.data) || err != nil {
					t.Fatalf("WriteAt(%d bytes, %d) = %d, %v", len(w.data), w.off, n, err)
				}
			}
			if err := d.Sync(); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(big)+1)[1:]
			if n, err := d.ReadAt(got, 4096); n != len(got) || err != nil || !bytes.Equal(got, big) {
				t.Fatalf("ReadAt big = %d, %v, equal %v", n, err, bytes.Equal(got, big))
			}
			whole, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(whole[512:2048], small) || !bytes.Equal(whole[2048:4096], make([]byte, 2048)) {
				t.Error("small write not where expected")
			}

			tail := make([]byte, 2048)
			if n, err := d.ReadAt(tail, 1<<20-1024); n != 1024 || err != io.EOF {
				t.Errorf("ReadAt past the end = %d, %v; want 1024, EOF", n, err)
			}
		})
	}
}

func TestDeviceRejectsUnaligned(t *testing.T) {
	p := imageFile(t, 8192)
	for _, mode := range openModes {
		d, err := openDevice(p, mode.open)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			n   int
			off int64
		}{{512, 100}, {100, 512}, {512, -512}} {
			_, rerr := d.ReadAt(make([]byte, c.n), c.off)
			_, werr := d.WriteAt(make([]byte, c.n), c.off)
			for _, err := range []error{rerr, werr} {
				if err == nil || !strings.Contains(err.Error(), "multiples of 512") || !strings.Contains(err.Error(), p) {
					t.Errorf("%s: %d bytes at %d: %v", mode.name, c.n, c.off, err)
				}
			}
		}
		d.Close()
	}
}

func TestOpenErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	for _, mode := range openModes {
		if _, err := openDevice(missing, mode.open); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: %v", mode.name, err)
		}
	}
}

func TestDeviceConcurrentIO(t *testing.T) {
	p := imageFile(t, 1<<20)
	d, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			off := int64(i) * 128 << 10
			want := pattern(128<<10, byte(i))
			if _, err := d.WriteAt(want, off); err != nil {
				t.Error(err)
				return
			}
			got := make([]byte, len(want))
			if _, err := d.ReadAt(got, off); err != nil || !bytes.Equal(got, want) {
				t.Errorf("segment %d: %v, equal %v", i, err, bytes.Equal(got, want))
			}
		})
	}
	wg.Wait()
}

func TestDiscardOnRegularFileFails(t *testing.T) {
	d, err := Open(imageFile(t, 8192))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.Discard(0, 4096)
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "BLKDISCARD" || pe.Path != d.Path() {
		t.Errorf("Discard on a regular file = %v", err)
	}
}

func TestAlignedBuffer(t *testing.T) {
	for range 4 {
		b := alignedBuffer(bounceSize)
		if len(b) != bounceSize || cap(b) != bounceSize || uintptr(unsafe.Pointer(&b[0]))%directAlign != 0 {
			t.Fatalf("len %d cap %d addr %p", len(b), cap(b), &b[0])
		}
	}
}

func TestEjectDoesNothing(t *testing.T) {
	if err := Eject("/dev/sdz"); err != nil {
		t.Error(err)
	}
}
