package vcdiff

import (
	"fmt"
	"io"
)

// RFC 3284 integers are base-128, most significant digit first, with the
// high bit set on every byte but the last. Ten digits carry 64 bits; we stop
// at the first value that would not fit in 63 so that every length and
// offset can be compared as an int64 without overflow.
const maxVarint = 1<<63 - 1

// readVarint reads one integer from a byte stream; EOF inside it is
// io.ErrUnexpectedEOF, EOF before it is io.EOF.
func readVarint(r io.ByteReader) (uint64, error) {
	var v uint64
	for i := 0; ; i++ {
		b, err := r.ReadByte()
		if err != nil {
			if err == io.EOF && i > 0 {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		if v > maxVarint>>7 {
			return 0, fmt.Errorf("%w: integer overflows 63 bits", ErrCorrupt)
		}
		v = v<<7 | uint64(b&0x7f)
		if b&0x80 == 0 {
			return v, nil
		}
	}
}

// varintLen is the length of an integer's shortest encoding.
func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendVarint appends v's shortest encoding.
func appendVarint(b []byte, v uint64) []byte {
	var tmp [10]byte
	i := len(tmp) - 1
	tmp[i] = byte(v & 0x7f)
	for v >>= 7; v != 0; v >>= 7 {
		i--
		tmp[i] = byte(v&0x7f) | 0x80
	}
	return append(b, tmp[i:]...)
}

// section is a cursor over one of a window's three sections, already in
// memory; running off its end means the instructions want more than the
// window supplied.
type section struct {
	b   []byte
	pos int
	sec string // which section, for errors
}

func (s *section) byte() (byte, error) {
	if s.pos >= len(s.b) {
		return 0, fmt.Errorf("%w: %s section exhausted", ErrCorrupt, s.sec)
	}
	c := s.b[s.pos]
	s.pos++
	return c, nil
}

func (s *section) varint() (uint64, error) {
	var v uint64
	for {
		if s.pos >= len(s.b) {
			return 0, fmt.Errorf("%w: %s section exhausted", ErrCorrupt, s.sec)
		}
		c := s.b[s.pos]
		s.pos++
		if v > maxVarint>>7 {
			return 0, fmt.Errorf("%w: integer overflows 63 bits", ErrCorrupt)
		}
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

func (s *section) bytes(n int) ([]byte, error) {
	if n > len(s.b)-s.pos {
		return nil, fmt.Errorf("%w: %s section exhausted", ErrCorrupt, s.sec)
	}
	b := s.b[s.pos : s.pos+n]
	s.pos += n
	return b, nil
}

func (s *section) rest() int { return len(s.b) - s.pos }
