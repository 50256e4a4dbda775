//go:build unix

package rootfs

import (
	"fmt"
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// stat is what FromDir needs from lstat(2) beyond fs.FileInfo.
type stat struct {
	mode, uid, gid, nlink, major, minor uint32
	dev, ino                            uint64
}

func hostStat(fi fs.FileInfo) (stat, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return stat{}, fmt.Errorf("no stat data (%T)", fi.Sys())
	}
	rdev := uint64(st.Rdev)
	return stat{
		mode: uint32(st.Mode), uid: st.Uid, gid: st.Gid, nlink: uint32(st.Nlink),
		major: unix.Major(rdev), minor: unix.Minor(rdev),
		dev: uint64(st.Dev), ino: uint64(st.Ino),
	}, nil
}
