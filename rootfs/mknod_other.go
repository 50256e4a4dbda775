//go:build !unix

package rootfs

import "errors"

func mknod(string, *Entry) error {
	return errors.New("special files cannot be created on this system")
}
