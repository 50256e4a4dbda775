package adler32

import "encoding/binary"

// mod is the largest prime below 2^16.
const mod = 65521

// blockWords is how many 8-byte words words takes at once: its
// per-column sums are 16-bit lanes, each at most 255 per word.
const blockWords = 256

// Checksum is the Adler-32 of p.
func Checksum(p []byte) uint32 { return Update(1, p) }

// Update continues the Adler-32 adler over p.
func Update(adler uint32, p []byte) uint32 {
	s1, s2 := uint64(adler&0xffff), uint64(adler>>16)
	for len(p) >= 8 {
		n := 8 * min(len(p)/8, blockWords)
		s1, s2 = words(s1, s2, p[:n])
		p = p[n:]
	}
	for _, x := range p {
		s1 += uint64(x)
		s2 += s1
	}
	return uint32(s2%mod<<16 | s1%mod)
}

// words adds p, a whole number of at most blockWords words, to the
// state (s1, s2). Over m words, byte k of word j (counting from 0) is
// added to s1 once and to s2 8(m-j)-k times. So s1 grows by the sum of
// the bytes, and s2 by 8m·s1 + 8·Σ_j (m-j)·W_j - Σ_k k·C_k, where W_j is
// word j's byte sum and C_k the sum of byte k over the words. The loop
// keeps C_k in 16-bit lanes (even and odd bytes apart), W_j's running
// sum in sum and the running sum of that in acc, which is Σ_j (m-j)·W_j:
// about one operation per byte, where the textbook loop needs three.
func words(s1, s2 uint64, p []byte) (uint64, uint64) {
	const lanes = 0x00ff00ff00ff00ff
	var even, odd, sum, acc uint64
	m := uint64(len(p) / 8)
	for len(p) >= 8 {
		w := binary.LittleEndian.Uint64(p)
		e, o := w&lanes, w>>8&lanes
		even += e
		odd += o
		sum += (e + o) * 0x0001000100010001 >> 48 // the four lanes' total
		acc += sum
		p = p[8:]
	}
	var weighted uint64
	for k := range uint64(4) {
		weighted += 2*k*(even>>(16*k)&0xffff) + (2*k+1)*(odd>>(16*k)&0xffff)
	}
	s2 = (s2 + 8*m*s1 + 8*acc - weighted) % mod
	s1 = (s1 + sum) % mod
	return s1, s2
}
