//go:build unix

package holes

import "golang.org/x/sys/unix"

// Supported says whether this system can seek to data and holes.
const Supported = true

// The whences for File.Seek.
const (
	SeekData = unix.SEEK_DATA
	SeekHole = unix.SEEK_HOLE
)
