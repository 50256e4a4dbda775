package deflate

import (
	"bufio"
	"encoding/binary"
	"io"
)

// bitInput is the inflater's input: a bit buffer filled from a window of
// bytes that a bufio.Reader has buffered (Peek), given back (Discard) only
// as they are used, so the stream's last byte is the last one taken from
// the bufio.Reader and what follows it stays there for the next reader.
// Or, without a bufio.Reader, one byte slice that is the whole input.
type bitInput struct {
	br     *bufio.Reader
	in     []byte // the bytes buffered; those before ip are in bits or used
	ip     int
	bits   uint64 // the next nbits bits of input, least significant first
	nbits  uint
	eof    bool  // in holds the last of the input
	pad    uint  // zero bytes put in bits past the end of the input
	gone   int64 // bytes given back to br before in's first
	readEr error // the error that ended the input, if not io.EOF
}

func (b *bitInput) reset(br *bufio.Reader, src []byte) {
	*b = bitInput{br: br, in: src, eof: br == nil}
}

// offset is the input offset of the next unused whole byte.
func (b *bitInput) offset() int64 { return b.gone + int64(b.ip) - int64(b.nbits/8) + int64(b.pad) }

// refill puts at least 56 bits in the buffer when the input has them,
// else what is left and zero bytes after it (counted in pad: overrun
// tells whether any were used).
func (b *bitInput) refill() {
	if b.ip+8 <= len(b.in) {
		b.bits |= binary.LittleEndian.Uint64(b.in[b.ip:]) << b.nbits
		b.ip += int(63-b.nbits) >> 3
		b.nbits |= 56
		return
	}
	for b.nbits <= 56 {
		if b.ip < len(b.in) {
			b.bits |= uint64(b.in[b.ip]) << b.nbits
			b.ip++
			b.nbits += 8
			continue
		}
		if b.eof {
			// Zeros past the end, so a decode can finish its step;
			// overrun tells whether they were taken.
			b.pad++
			b.nbits += 8
			continue
		}
		b.more()
	}
}

// more gives back the bytes fully in bits or used and buffers more.
func (b *bitInput) more() {
	keep := int(b.nbits / 8)
	n := b.ip - keep
	b.br.Discard(n)
	b.gone += int64(n)
	in, err := b.br.Peek(b.br.Size())
	b.in, b.ip = in, keep
	if len(in) < b.br.Size() && err != nil {
		b.eof = true
		if err != io.EOF {
			b.readEr = err
		}
	}
}

// overrun tells whether bits past the end of the input were used.
func (b *bitInput) overrun() bool { return b.nbits < 8*b.pad }

// need makes sure n <= 56 bits are in the buffer (or padding).
func (b *bitInput) need(n uint) {
	if b.nbits < n {
		b.refill()
	}
}

func (b *bitInput) take(n uint) uint32 {
	b.need(n)
	v := uint32(b.bits & (1<<n - 1))
	b.bits >>= n
	b.nbits -= n
	return v
}

// alignByte drops the bits left of the current byte.
func (b *bitInput) alignByte() {
	k := b.nbits % 8
	b.bits >>= k
	b.nbits -= k
}

// copyBytes copies whole bytes to dst, from the bit buffer first, then
// straight from the input; it returns how many, fewer than len(dst) only
// at the end of the input.
func (b *bitInput) copyBytes(dst []byte) int {
	n := 0
	for n < len(dst) && b.nbits >= 8 && b.nbits > 8*b.pad {
		dst[n] = byte(b.bits)
		b.bits >>= 8
		b.nbits -= 8
		n++
	}
	if n == len(dst) {
		return n
	}
	// The buffer is empty of real bytes; what bits holds beyond them
	// (read ahead from in) is not to be ORed with later.
	b.bits, b.nbits, b.pad = 0, 0, 0
	for n < len(dst) {
		if b.ip == len(b.in) {
			if b.eof {
				return n
			}
			b.more()
			continue
		}
		c := copy(dst[n:], b.in[b.ip:])
		b.ip += c
		n += c
	}
	return n
}

// finish gives back the input the stream used, its last byte included:
// the bytes left in the bit buffer go back to the bufio.Reader.
func (b *bitInput) finish() {
	if b.br == nil {
		return
	}
	used := b.ip - int(b.nbits/8) + int(b.pad)
	b.br.Discard(used)
	b.gone += int64(used)
	b.in, b.ip, b.bits, b.nbits, b.pad = nil, 0, 0, 0, 0
}
