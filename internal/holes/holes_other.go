//go:build !unix

package holes

// Supported says whether this system can seek to data and holes.
const Supported = false

// The whences for File.Seek; seeking with them fails here, so every file
// reads as data.
const (
	SeekData = -1
	SeekHole = -1
)
