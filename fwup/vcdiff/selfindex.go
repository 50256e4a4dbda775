package vcdiff

import (
	"encoding/binary"
	"math/bits"
)

// selfIndex finds earlier occurrences of the next few bytes within the
// target window (copies from the target itself): hash chains over 4-byte
// prefixes, as LZ77 compressors keep, walked to a bounded depth. The chain
// links live in a ring of at most 4M positions (16 MiB), so that a 64 MiB
// window does not cost 256 MiB of links; self copies reach back that far.
const (
	selfHashBits = 20 // at most; a small window gets a smaller table
	selfDepth    = 48
	selfRingBits = 22
)

type selfIndex struct {
	head  []int32 // by hash: last position + 1, 0 for none
	prev  []int32 // by position modulo the ring: the previous position + 1 with the same hash
	mask  int
	shift uint // 32 - log2(len(head))
}

// reset empties the index for a window of n bytes. Positions must then be
// inserted in increasing order.
func (s *selfIndex) reset(n int) {
	bits := 10
	for bits < selfHashBits && 1<<(bits+2) < n {
		bits++
	}
	if len(s.head) != 1<<bits {
		s.head = make([]int32, 1<<bits)
	} else {
		clear(s.head)
	}
	s.shift = uint(32 - bits)
	size := 1
	for size < n && size < 1<<selfRingBits {
		size <<= 1
	}
	if cap(s.prev) < size {
		s.prev = make([]int32, size)
	}
	s.prev, s.mask = s.prev[:size], size-1
}

func (s *selfIndex) hash(b []byte) uint32 {
	return binary.LittleEndian.Uint32(b) * 2654435761 >> s.shift
}

// insert records position p of t; p+4 must be within t.
func (s *selfIndex) insert(t []byte, p int) {
	h := s.hash(t[p:])
	s.prev[p&s.mask] = s.head[h]
	s.head[h] = int32(p + 1)
}

// best returns the longest earlier match for t[p:] (at most limit bytes),
// walking at most selfDepth links.
func (s *selfIndex) best(t []byte, p, limit int) (from, n int) {
	c := s.head[s.hash(t[p:])]
	for depth := 0; c != 0 && depth < selfDepth; depth++ {
		q := int(c - 1)
		if q >= p || p-q > s.mask {
			break // links past the ring have been overwritten
		}
		c = s.prev[q&s.mask]
		if n > 0 && (n >= limit || t[q+n] != t[p+n]) {
			continue
		}
		if m := matchLen(t[q:q+limit], t[p:p+limit]); m > n {
			from, n = q, m
			if n == limit {
				break
			}
		}
	}
	return from, n
}

// matchLen is the length of the common prefix of a and b.
func matchLen(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:])
		if x != 0 {
			return i + trailingZeroBytes(x)
		}
	}
	for ; i < n && a[i] == b[i]; i++ {
	}
	return i
}

func trailingZeroBytes(x uint64) int { return bits.TrailingZeros64(x) / 8 }
