//go:build !linux

package cmdline

import (
	"errors"
	"io"
)

// UpdateUBIVolume: UBI is Linux's.
func (Machine) UpdateUBIVolume(string, int64) (io.WriteCloser, error) {
	return nil, errors.New("ubi_volume_write is only supported on Linux")
}
