package deflate

import (
	"encoding/binary"
	"math/bits"
)

func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }
func load64(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

// matchLen returns how many bytes at a and b agree, up to max; a < b and
// b+max ≤ len(data).
func matchLen(data []byte, a, b, max int) int {
	n := 0
	for n+8 <= max {
		x := load64(data, a+n) ^ load64(data, b+n)
		if x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < max && data[a+n] == data[b+n] {
		n++
	}
	return n
}
