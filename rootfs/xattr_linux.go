package rootfs

import (
	"bytes"
	"errors"

	"golang.org/x/sys/unix"
)

// hostXattrs reads a host file's extended attributes without following a
// symlink. A file system without xattr support has none.
func hostXattrs(p string) (map[string][]byte, error) {
	n, err := unix.Llistxattr(p, nil)
	if errors.Is(err, unix.ENOTSUP) {
		return nil, nil
	}
	if err != nil || n == 0 {
		return nil, err
	}
	names := make([]byte, n)
	if n, err = unix.Llistxattr(p, names); err != nil {
		return nil, err
	}
	var xs map[string][]byte
	for _, name := range bytes.Split(names[:n], []byte{0}) {
		if len(name) == 0 {
			continue
		}
		sz, err := unix.Lgetxattr(p, string(name), nil)
		if err != nil {
			return nil, err
		}
		v := make([]byte, sz)
		if sz, err = unix.Lgetxattr(p, string(name), v); err != nil {
			return nil, err
		}
		if xs == nil {
			xs = map[string][]byte{}
		}
		xs[string(name)] = v[:sz]
	}
	return xs, nil
}
