package main

import (
	"encoding/binary"
	"errors"
	"io"
)

// framedReader undoes --framing on stdin: each packet is a 4-byte
// big-endian length and that many bytes of the archive; a zero length ends
// the input (fwup's framed_stdin_read).
type framedReader struct {
	r    io.Reader
	left uint32
	eof  bool
}

func (f *framedReader) Read(p []byte) (int, error) {
	if f.eof {
		return 0, io.EOF
	}
	if f.left == 0 {
		var hdr [4]byte
		if _, err := io.ReadFull(f.r, hdr[:]); err != nil {
			return 0, errors.New("Error reading stdin")
		}
		if f.left = binary.BigEndian.Uint32(hdr[:]); f.left == 0 {
			f.eof = true
			return 0, io.EOF
		}
	}
	if uint32(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	if n == 0 {
		if err == nil {
			return 0, nil
		}
		return 0, errors.New("Received EOF even though framing indicated more bytes")
	}
	f.left -= uint32(n)
	return n, nil
}
