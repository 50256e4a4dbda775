//go:build !linux

package rootfs

import (
	"errors"
	"os"
)

func mknodAt(*os.File, string, *Entry) error {
	return errors.New("special files cannot be created on this system")
}
