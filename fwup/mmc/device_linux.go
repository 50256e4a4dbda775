//go:build linux

package mmc

import (
	"errors"
	"os"
	"syscall"
	"unsafe"
)

// blkDiscard is BLKDISCARD, _IO(0x12, 119).
const blkDiscard = 0x1277

// openFileFunc is os.OpenFile's shape, so tests can refuse O_DIRECT.
type openFileFunc func(name string, flag int, perm os.FileMode) (*os.File, error)

// Open opens a device for reading and writing with O_DIRECT, as fwup does
// so that writes reach the card rather than the page cache. If the file
// system refuses O_DIRECT (EINVAL: tmpfs before Linux 6.6, some FUSE file
// systems) it falls back to ordinary I/O, where fwup would fail.
func Open(path string) (*Device, error) { return openDevice(path, os.OpenFile) }

func openDevice(path string, open openFileFunc) (*Device, error) {
	f, err := open(path, os.O_RDWR|syscall.O_DIRECT, 0)
	if err == nil {
		return newDevice(f, path, true), nil
	}
	if !errors.Is(err, syscall.EINVAL) {
		return nil, err
	}
	f, err = open(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return newDevice(f, path, false), nil
}

// Discard tells the device that length bytes at off are unused (TRIM), with
// BLKDISCARD. Callers ignore a failure after warning with fwup's message (the apply engine words it),
// as fwup does. fwup passes {off, off+length} where the kernel expects
// {off, length}, discarding more than asked or failing near the end; this
// passes the length the kernel expects.
func (d *Device) Discard(off, length int64) error {
	rng := [2]uint64{uint64(off), uint64(length)}
	conn, err := d.file.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	err = conn.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, blkDiscard, uintptr(unsafe.Pointer(&rng)))
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return &os.PathError{Op: "BLKDISCARD", Path: d.path, Err: errno}
	}
	return nil
}

// Eject does nothing: Linux lets a card be pulled without ejecting, and
// fwup's Linux mmc_eject is empty.
func Eject(path string) error { return nil }

// rdev is the device number of the opened file (fstat's st_rdev).
func (d *Device) rdev() (uint64, bool) {
	fi, err := d.file.Stat()
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Rdev), true
}
