package rootfs

import (
	"fmt"
	"io"
	"io/fs"
)

// ReaderSize returns the size of the file or buffer behind ra: the image
// readers (SquashFS, ext4) bound every table they read by it.
func ReaderSize(ra io.ReaderAt) (int64, error) {
	switch r := ra.(type) {
	case interface{ Size() int64 }:
		return r.Size(), nil
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := r.Stat()
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	return 0, fmt.Errorf("cannot tell the size of a %T", ra)
}
