package deflate

const (
	hashBits  = 15 // heads of the 4-byte hash chains
	hash3Bits = 14 // the 3-byte table: one position per bucket, no chain
	// emptyPos marks an empty head: farther than any window from any
	// position, so the distance test alone rejects it.
	emptyPos = -1 << 30
	// maxDist3 is the farthest a 3-byte match may reach. zlib's TOO_FAR
	// is the same 4096: beyond it a 3-byte match rarely beats literals.
	maxDist3 = 4096
)

// hashChain finds matches for the greedy and lazy parses. Matches of 4
// bytes and more come from chains of positions with the same 4-byte hash,
// which are far shorter than chains of 3-byte hashes on binaries (zlib's
// cost at -9); 3-byte matches come from a table of the latest position of
// each 3-byte hash.
//
// The tables hold absolute positions, data index plus base (see
// positions), so that neither a reset nor a slide of the window has to
// rewrite them.
type hashChain struct {
	head  *[1 << hashBits]int32
	head3 *[1 << hash3Bits]int32
	prev  *[windowSize]int32 // the previous position with the same hash, by absolute position
	positions
	// litCost prices the chunk's literals, by its byte histogram, so that
	// a 3-byte match farther than maxDist3 is taken when it is likely
	// cheaper than its literals.
	litCost [256]uint32
}

func newHashChain() *hashChain {
	m := &hashChain{
		head:  new([1 << hashBits]int32),
		head3: new([1 << hash3Bits]int32),
		prev:  new([windowSize]int32),
	}
	m.clear()
	return m
}

// clear empties the heads. prev needs no clearing: it is only read along
// chains that start at a head, and each entry is written when its
// position is inserted.
func (m *hashChain) clear() {
	for i := range m.head {
		m.head[i] = emptyPos
	}
	for i := range m.head3 {
		m.head3[i] = emptyPos
	}
}

func (m *hashChain) tables() [][]int32 { return [][]int32{m.head[:], m.head3[:], m.prev[:]} }

func hash4(u uint32) uint32 { return (u * 0x9E3779B1) >> (32 - hashBits) & (1<<hashBits - 1) }
func hash3(u uint32) uint32 { return ((u << 8) * 0x9E3779B1) >> (32 - hash3Bits) & (1<<hash3Bits - 1) }

// insert records position p, which has 4 bytes of data after it.
func (m *hashChain) insert(data []byte, p int) {
	u := load32(data, p)
	h := hash4(u)
	a := int32(p + m.base)
	m.prev[a&windowMask] = m.head[h]
	m.head[h] = a
	m.head3[hash3(u)] = a
}

// find inserts p, which has 4 bytes of data after it and end-p bytes up to
// the end of the data, and returns the longest match longer than best
// among the last depth positions of its chain, stopping early at nice.
// length is 0 when there is none.
func (m *hashChain) find(data []byte, p, end, best, depth, nice int) (length, dist int) {
	u := load32(data, p)
	h := hash4(u)
	a := int32(p + m.base)
	c := int(m.head[h]) - m.base
	m.prev[a&windowMask] = m.head[h]
	m.head[h] = a
	h3 := hash3(u)
	c3 := int(m.head3[h3]) - m.base
	m.head3[h3] = a

	maxLen := min(maxMatch, end-p)
	if best >= maxLen {
		return 0, 0
	}
	nice = min(nice, maxLen)
	if best < minMatch && p-c3 < windowSize && load32(data, c3)&0xffffff == u&0xffffff {
		if l := matchLen(data, c3, p, maxLen); l > minMatch || p-c3 <= maxDist3 || m.worth3(data, p, p-c3) {
			best, length, dist = l, l, p-c3
			if best >= nice {
				return length, dist
			}
		}
	}
	// A candidate must agree with p on the 4 bytes ending where the best
	// match so far ends (else it is no longer) and on the first 4 (else
	// the hash collided): two loads that reject most candidates.
	tailAt := max(best-3, 0)
	tail := load32(data, p+tailAt)
	limit := p - windowSize
	for ; c >= limit && depth > 0; depth-- {
		if load32(data, c+tailAt) == tail && load32(data, c) == u {
			if l := 4 + matchLen(data, c+4, p+4, maxLen-4); l > best {
				best, length, dist = l, l, p-c
				if l >= nice {
					break
				}
				tailAt = best - 3
				tail = load32(data, p+tailAt)
			}
		}
		if c == limit {
			break // its prev slot is p's, just overwritten
		}
		c = int(m.prev[(c+m.base)&windowMask]) - m.base
	}
	return length, dist
}
