package deflate

import (
	"encoding/binary"
	"fmt"

	"github.com/firmwright/firmwright/internal/adler32"
)

// A Compressor compresses whole buffers, as the SquashFS writer does each
// block: no io.Writer, no copy of the input, and output appended to the
// caller's slice. One Compressor reused costs no allocation per buffer
// once its slices have grown. It is not safe for concurrent use.
type Compressor struct {
	level int
	c     *compressor
}

// NewCompressor returns a Compressor at level (see NewWriter).
func NewCompressor(level int) (*Compressor, error) {
	p, ok := paramsFor(level)
	if !ok {
		return nil, fmt.Errorf("deflate: invalid compression level %d", level)
	}
	return &Compressor{level: level, c: newCompressor(p)}, nil
}

// AppendDeflate appends src compressed as a complete raw DEFLATE stream
// to dst and returns the extended slice. src must be under 1 GiB (use a
// Writer for more).
func (z *Compressor) AppendDeflate(dst, src []byte) []byte {
	c := z.c
	c.reset()
	c.bw.out = dst
	for s := 0; ; s += chunkSize {
		e := min(s+chunkSize, len(src))
		c.compress(src, s, e, e == len(src))
		if e == len(src) {
			break
		}
	}
	c.bw.align()
	out := c.bw.out
	c.bw.out = nil
	return out
}

// AppendZlib appends src compressed in the zlib format (RFC 1950) to dst.
func (z *Compressor) AppendZlib(dst, src []byte) []byte {
	h := zlibHeader(z.level, false)
	dst = append(dst, h[0], h[1])
	dst = z.AppendDeflate(dst, src)
	return binary.BigEndian.AppendUint32(dst, adler32.Checksum(src))
}
