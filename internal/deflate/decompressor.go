package deflate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/firmwright/firmwright/internal/adler32"
)

// A Decompressor inflates whole buffers, as the SquashFS reader does each
// block: the input is one slice, and the output is appended to the
// caller's, up to a limit the caller knows (the block size). It is the
// one-shot side of Reader, and like Compressor not safe for concurrent
// use; one reused allocates nothing per buffer.
type Decompressor struct {
	r Reader
}

// ErrTooLong is returned when a stream inflates to more than the limit.
var ErrTooLong = errors.New("inflates to more than the limit")

// AppendInflate appends the raw DEFLATE stream at the start of src,
// inflated, to dst. It fails with ErrTooLong (wrapped) if that is more
// than limit bytes (limit >= 0). n is how many bytes of src the stream
// took.
func (d *Decompressor) AppendInflate(dst, src []byte, limit int) (out []byte, n int, err error) {
	r := &d.r
	r.reset(nil, src)
	start := len(dst)
	dst = slices.Grow(dst, limit)[:start+limit]
	w := start
	for w < len(dst) {
		m, err := r.Read(dst[w:])
		w += m
		if err == io.EOF {
			return dst[:w], int(r.in.offset()), nil
		}
		if err != nil {
			return dst[:start], 0, err
		}
	}
	// limit bytes came: the stream must end there. Reading into a byte
	// of its own keeps dst at limit, so that a block-sized scratch buffer
	// holds a whole block without growing.
	var more [1]byte
	if m, err := r.Read(more[:]); m > 0 {
		return dst[:start], 0, fmt.Errorf("deflate: %w of %d bytes", ErrTooLong, limit)
	} else if err != io.EOF {
		return dst[:start], 0, err
	}
	return dst, int(r.in.offset()), nil
}

// AppendUnzlib appends the zlib stream (RFC 1950) in src, inflated, to
// dst, checking its header and Adler-32. It fails with ErrTooLong
// (wrapped) if the data is more than limit bytes. Bytes after the
// checksum are ignored, as zlib's own inflate leaves them.
func (d *Decompressor) AppendUnzlib(dst, src []byte, limit int) ([]byte, error) {
	if err := checkZlibHeader(src); err != nil {
		return dst, err
	}
	out, n, err := d.AppendInflate(dst, src[2:], limit)
	if err != nil {
		return dst, err
	}
	tail := src[2+n:]
	if len(tail) < 4 {
		return dst, fmt.Errorf("zlib: %w: the stream ends before its Adler-32", io.ErrUnexpectedEOF)
	}
	data := out[len(dst):]
	if want, got := binary.BigEndian.Uint32(tail), adler32.Checksum(data); got != want {
		return dst, fmt.Errorf("zlib: Adler-32 of the data is %08x, the stream says %08x", got, want)
	}
	return out, nil
}

// checkZlibHeader checks a zlib header as zlib's inflate does: deflate
// with a window of at most 32 KiB, the check bits right, and no preset
// dictionary (nothing firmwright reads has one).
func checkZlibHeader(src []byte) error {
	if len(src) < 2 {
		return fmt.Errorf("zlib: %w: %d bytes, shorter than a header", io.ErrUnexpectedEOF, len(src))
	}
	cmf, flg := src[0], src[1]
	switch {
	case cmf&0x0f != 8:
		return fmt.Errorf("zlib: header: compression method %d, expected 8 (deflate)", cmf&0x0f)
	case cmf>>4 > 7:
		return fmt.Errorf("zlib: header: window of 2^%d bytes, expected at most 2^15", cmf>>4+8)
	case (uint16(cmf)<<8|uint16(flg))%31 != 0:
		return fmt.Errorf("zlib: header: check bits wrong (%02x %02x)", cmf, flg)
	case flg&0x20 != 0:
		return errors.New("zlib: header: a preset dictionary is asked for, and none is known")
	}
	return nil
}
