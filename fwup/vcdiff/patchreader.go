package vcdiff

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// patchReader is the patch stream: read forward only, never sought, with
// the count of bytes consumed so that a window's length field can be
// checked against what its parts actually took.
type patchReader struct {
	br  *bufio.Reader
	off int64
}

func newPatchReader(r io.Reader) *patchReader {
	return &patchReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// unexpected turns an EOF met inside a structure into a truncation error.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (r *patchReader) byte() (byte, error) {
	b, err := r.br.ReadByte()
	if err != nil {
		return 0, unexpected(err)
	}
	r.off++
	return b, nil
}

// ReadByte lets readVarint count what it consumes.
func (r *patchReader) ReadByte() (byte, error) {
	b, err := r.br.ReadByte()
	if err == nil {
		r.off++
	}
	return b, err
}

func (r *patchReader) varint() (uint64, error) {
	v, err := readVarint(r)
	return v, unexpected(err)
}

func (r *patchReader) full(b []byte) error {
	n, err := io.ReadFull(r.br, b)
	r.off += int64(n)
	return unexpected(err)
}

func (r *patchReader) skip(n uint64) error {
	m, err := io.CopyN(io.Discard, r.br, int64(min(n, maxVarint)))
	r.off += m
	return unexpected(err)
}

// atEOF reports whether the patch ends here, cleanly between windows.
func (r *patchReader) atEOF() (bool, error) {
	_, err := r.br.Peek(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// grow reads n more bytes onto buf. The length comes from the patch, so
// memory is taken as the bytes arrive rather than all at once: a window
// claiming large sections and then ending costs only what it sent.
func (r *patchReader) grow(buf []byte, n int) ([]byte, error) {
	const chunk = 1 << 20
	for n > 0 {
		step := min(n, chunk)
		if cap(buf)-len(buf) < step {
			nb := make([]byte, len(buf), len(buf)+max(step, min(len(buf), n)))
			copy(nb, buf)
			buf = nb
		}
		start := len(buf)
		buf = buf[:start+step]
		if err := r.full(buf[start:]); err != nil {
			return buf[:start], fmt.Errorf("vcdiff: window sections: %w", err)
		}
		n -= step
	}
	return buf, nil
}
