package deflate

import (
	"encoding/binary"
	"io"

	"github.com/firmwright/firmwright/internal/adler32"
)

// zlibHeader returns the 2-byte zlib header (RFC 1950) as zlib writes it
// for level: a 32 KiB window and FLEVEL 0 for level 1, 1 for 2..5, 2 for
// 6 and 3 above, so a stream of ours at level 9 starts 78 da as
// mksquashfs's does.
func zlibHeader(level int, dict bool) [2]byte {
	if level == DefaultCompression {
		level = 9
	}
	var flevel uint16
	switch {
	case level < 2:
		flevel = 0
	case level < 6:
		flevel = 1
	case level == 6:
		flevel = 2
	default:
		flevel = 3
	}
	h := uint16(0x78)<<8 | flevel<<6
	if dict {
		h |= 0x20
	}
	h += 31 - h%31
	return [2]byte{byte(h >> 8), byte(h)}
}

// A ZlibWriter compresses to the zlib format: a header, a DEFLATE stream
// and the Adler-32 of the input.
type ZlibWriter struct {
	d       *Writer
	dst     io.Writer
	sum     uint32 // Adler-32 of the input so far
	started bool
	hasDict bool
	dictID  uint32 // Adler-32 of the whole dictionary, as zlib names it
}

// NewZlibWriter returns a ZlibWriter compressing at level.
func NewZlibWriter(w io.Writer, level int) (*ZlibWriter, error) {
	return NewZlibWriterDict(w, level, nil)
}

// NewZlibWriterDict is NewZlibWriter with a preset dictionary, which the
// header names by its Adler-32 (FDICT) as RFC 1950 asks.
func NewZlibWriterDict(w io.Writer, level int, dict []byte) (*ZlibWriter, error) {
	d, err := NewWriterDict(nil, level, dict)
	if err != nil {
		return nil, err
	}
	z := &ZlibWriter{d: d, hasDict: len(dict) > 0, dictID: adler32.Checksum(dict)}
	z.Reset(w)
	return z, nil
}

// Reset makes z a new ZlibWriter to w with its level and dictionary.
func (z *ZlibWriter) Reset(w io.Writer) {
	z.d.Reset(w)
	z.dst, z.started = w, false
	z.sum = 1
}

// start writes the header before the first output.
func (z *ZlibWriter) start() error {
	if z.started {
		return nil
	}
	z.started = true
	h := zlibHeader(z.d.level, z.hasDict)
	b := h[:]
	if z.hasDict {
		b = binary.BigEndian.AppendUint32(b, z.dictID)
	}
	_, err := z.dst.Write(b)
	return err
}

// Write compresses p.
func (z *ZlibWriter) Write(p []byte) (int, error) {
	if err := z.start(); err != nil {
		return 0, err
	}
	n, err := z.d.Write(p)
	z.sum = adler32.Update(z.sum, p[:n])
	return n, err
}

// Flush is Writer.Flush.
func (z *ZlibWriter) Flush() error {
	if err := z.start(); err != nil {
		return err
	}
	return z.d.Flush()
}

// Close ends the stream and writes the checksum.
func (z *ZlibWriter) Close() error {
	if err := z.start(); err != nil {
		return err
	}
	wasClosed := z.d.closed
	if err := z.d.Close(); err != nil || wasClosed {
		return err
	}
	_, err := z.dst.Write(binary.BigEndian.AppendUint32(nil, z.sum))
	return err
}
