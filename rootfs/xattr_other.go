//go:build !linux

package rootfs

import "errors"

func hostXattrs(string) (map[string][]byte, error) {
	return nil, errors.New("reading host extended attributes needs Linux")
}
