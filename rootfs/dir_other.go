//go:build !unix

package rootfs

import (
	"errors"
	"io/fs"
)

type stat struct {
	mode, uid, gid, nlink, major, minor uint32
	dev, ino                            uint64
}

func hostStat(fs.FileInfo) (stat, error) {
	return stat{}, errors.New("reading a host directory needs a Unix host")
}
