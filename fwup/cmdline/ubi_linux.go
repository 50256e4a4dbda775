//go:build linux

package cmdline

import (
	"io"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/firmwright/firmwright/internal/cstr"
)

// ubiIOCVolUp is UBI_IOCVOLUP, _IOW('O', 0, __s64) in mtd/ubi-user.h:
// the start of an atomic volume update of the given size.
const ubiIOCVolUp = 1<<30 | 8<<16 | 'O'<<8 // write, 8 bytes, type 'O', number 0

// UpdateUBIVolume opens the volume and starts the update, as fwup does.
func (Machine) UpdateUBIVolume(path string, size int64) (io.WriteCloser, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, cstr.Errorf(err, "ubi_volume_write can't open '%s': %s", path, cstr.Strerror(err))
	}
	rc, err := f.SyscallConn()
	if err == nil {
		cerr := rc.Control(func(fd uintptr) {
			if _, _, errno := unix.Syscall(unix.SYS_IOCTL, fd, ubiIOCVolUp, uintptr(unsafe.Pointer(&size))); errno != 0 {
				err = errno
			}
		})
		if err == nil {
			err = cerr
		}
	}
	if err != nil {
		f.Close()
		return nil, cstr.Errorf(err, "UBI_IOCVOLUP failed on '%s': %s. Check that it's a UBI volume (see /sys/class/ubi)", path, cstr.Strerror(err))
	}
	return f, nil
}
