package rootfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// mknodAt creates a device node or fifo named name in the directory dir.
func mknodAt(dir *os.File, name string, e *Entry) error {
	mode := uint32(0o600)
	switch e.Kind {
	case FIFO:
		mode |= unix.S_IFIFO
	case CharDevice:
		mode |= unix.S_IFCHR
	case BlockDevice:
		mode |= unix.S_IFBLK
	}
	return unix.Mknodat(int(dir.Fd()), name, mode, int(unix.Mkdev(e.DevMajor, e.DevMinor)))
}
