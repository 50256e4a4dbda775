//go:build unix

// Package holes names the lseek whences that find a sparse file's data
// and holes; their values differ between systems (Linux 3/4, macOS 4/3).
package holes

import "golang.org/x/sys/unix"

// Supported says whether this system can seek to data and holes.
const Supported = true

// The whences for File.Seek.
const (
	SeekData = unix.SEEK_DATA
	SeekHole = unix.SEEK_HOLE
)
