//go:build unix

package rootfs

import "golang.org/x/sys/unix"

func mknod(p string, e *Entry) error {
	mode := uint32(0o600)
	switch e.Kind {
	case FIFO:
		mode |= unix.S_IFIFO
	case CharDevice:
		mode |= unix.S_IFCHR
	case BlockDevice:
		mode |= unix.S_IFBLK
	}
	return unix.Mknod(p, mode, int(unix.Mkdev(e.DevMajor, e.DevMinor)))
}
