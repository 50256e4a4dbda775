package deflate

import "encoding/binary"

// bitWriter packs codes LSB first, as DEFLATE wants, into out. It keeps up
// to 63 bits in acc and moves them to out 32 at a time, so each code is one
// shift, one or and, rarely, one append.
type bitWriter struct {
	acc uint64
	n   uint // bits held in acc
	out []byte
}

// writeBits appends the n low bits of v (n ≤ 32, v < 1<<n).
func (b *bitWriter) writeBits(v uint64, n uint) {
	b.acc |= v << b.n
	b.n += n
	if b.n >= 32 {
		b.out = binary.LittleEndian.AppendUint32(b.out, uint32(b.acc))
		b.acc >>= 32
		b.n -= 32
	}
}

// flushBytes moves every whole byte from acc to out, leaving fewer than 8
// bits, so out can be handed to the caller's writer.
func (b *bitWriter) flushBytes() {
	for b.n >= 8 {
		b.out = append(b.out, byte(b.acc))
		b.acc >>= 8
		b.n -= 8
	}
}

// align pads with zero bits to a byte boundary and flushes.
func (b *bitWriter) align() {
	b.n = (b.n + 7) &^ 7
	b.flushBytes()
}

// reset forgets all bits, keeping out's storage.
func (b *bitWriter) reset() {
	b.acc, b.n, b.out = 0, 0, b.out[:0]
}
