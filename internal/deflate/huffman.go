package deflate

import "math/bits"

// huffBuilder computes optimal length-limited prefix codes by the
// package-merge algorithm (Larmore and Hirschberg). Its scratch space is
// sized for the largest alphabet so building a code never allocates.
type huffBuilder struct {
	keys []uint64 // freq<<16 | symbol, sorted: leaves in weight order
	tmp  []uint64 // sortKeys' other buffer
	cur  []uint32 // weights of the list being built
	prev []uint32 // weights of the list below it
	// leaf[l][i] tells whether item i of the list for level l+1 is a leaf
	// (else a package of two items of the level below).
	leaf [maxCodeLen][2 * 288]bool
	size [maxCodeLen]int // items in each list
}

func newHuffBuilder() *huffBuilder {
	return &huffBuilder{
		keys: make([]uint64, 0, 288),
		tmp:  make([]uint64, 288),
		cur:  make([]uint32, 2*288),
		prev: make([]uint32, 2*288),
	}
}

// lengths sets lens[s] to the code length of symbol s for frequencies freq,
// no length over maxBits. Symbols of zero frequency get length 0, except
// that a code always has at least two symbols: a lone symbol gets a
// partner, so every code sent is complete, which all inflaters accept.
func (h *huffBuilder) lengths(freq []uint32, lens []uint8, maxBits int) {
	h.keys = h.keys[:0]
	for s, f := range freq {
		lens[s] = 0
		if f != 0 {
			h.keys = append(h.keys, uint64(f)<<16|uint64(s))
		}
	}
	switch len(h.keys) {
	case 0:
		lens[0], lens[1] = 1, 1
		return
	case 1:
		s := int(h.keys[0] & 0xffff)
		lens[s] = 1
		if s == 0 {
			lens[1] = 1
		} else {
			lens[0] = 1
		}
		return
	}
	h.sortKeys()
	if !h.huffman(lens, maxBits) {
		h.packageMerge(lens, maxBits)
	}
}

// sortKeys sorts h.keys, which are in symbol order, by frequency and
// then symbol: a stable radix sort on the frequency, a byte per pass and
// only as many passes as the largest frequency needs. On alphabets this
// small it is a few times quicker than a comparison sort, and block
// splitting builds many codes.
func (h *huffBuilder) sortKeys() {
	var maxFreq uint64
	for _, k := range h.keys {
		maxFreq = max(maxFreq, k>>16)
	}
	if cap(h.tmp) < len(h.keys) {
		h.tmp = make([]uint64, len(h.keys), cap(h.keys))
	}
	src, dst := h.keys, h.tmp[:len(h.keys)]
	for shift := uint(16); maxFreq>>(shift-16) != 0; shift += 8 {
		var count [257]int
		for _, k := range src {
			count[(k>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, k := range src {
			b := (k >> shift) & 0xff
			dst[count[b]] = k
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &h.keys[0] {
		copy(h.keys, src)
	}
}

// huffman sets lens by Huffman's algorithm, two queues over the sorted
// leaves, and reports whether no length exceeds maxBits; if one does,
// lens is left for packageMerge to overwrite.
func (h *huffBuilder) huffman(lens []uint8, maxBits int) bool {
	m := len(h.keys)
	w := h.cur[:m-1]         // internal nodes' weights, made in order
	parent := h.prev[:2*m-1] // leaves' parents, then internal nodes'
	li, ni := 0, 0           // next leaf, next internal node not yet merged
	for n := 0; n < m-1; n++ {
		var sum uint32
		for k := 0; k < 2; k++ {
			if li < m && (ni >= n || uint32(h.keys[li]>>16) <= w[ni]) {
				sum += uint32(h.keys[li] >> 16)
				parent[li] = uint32(n)
				li++
			} else {
				sum += w[ni]
				parent[m+ni] = uint32(n)
				ni++
			}
		}
		w[n] = sum
	}
	// Depths top down: the root is the last node made; reuse w for them.
	depth := w
	depth[m-2] = 0
	for n := m - 3; n >= 0; n-- {
		depth[n] = depth[parent[m+n]] + 1
	}
	for i := 0; i < m; i++ {
		l := depth[parent[i]] + 1
		if l > uint32(maxBits) {
			return false
		}
		lens[h.keys[i]&0xffff] = uint8(l)
	}
	return true
}

// packageMerge fills lens from the sorted leaves in h.keys. It runs for
// every code, limited or not: it is exact and costs O(n·maxBits). Each
// list keeps only its 2n-2 lightest items, all the top list can select.
func (h *huffBuilder) packageMerge(lens []uint8, maxBits int) {
	m := len(h.keys)
	need := 2*m - 2 // items the top list contributes
	// The deepest list holds the leaves alone.
	h.prev = h.prev[:0]
	for i, k := range h.keys {
		h.prev = append(h.prev, uint32(k>>16))
		h.leaf[maxBits-1][i] = true
	}
	h.size[maxBits-1] = m
	for level := maxBits - 1; level >= 1; level-- {
		h.cur = h.cur[:0]
		flags := &h.leaf[level-1]
		li, pi := 0, 0 // next leaf, next package (pair index into prev)
		for len(h.cur) < need {
			haveLeaf := li < m
			havePkg := 2*pi+1 < len(h.prev)
			if !haveLeaf && !havePkg {
				break
			}
			var pw uint32
			if havePkg {
				pw = h.prev[2*pi] + h.prev[2*pi+1]
			}
			if haveLeaf && (!havePkg || uint32(h.keys[li]>>16) <= pw) {
				flags[len(h.cur)] = true
				h.cur = append(h.cur, uint32(h.keys[li]>>16))
				li++
			} else {
				flags[len(h.cur)] = false
				h.cur = append(h.cur, pw)
				pi++
			}
		}
		h.size[level-1] = len(h.cur)
		h.prev, h.cur = h.cur, h.prev
	}
	// Walk down from the top list: the leaves among a list's selected
	// prefix are its lightest ones, and each adds one bit to their codes;
	// its packages select twice as many items of the list below.
	k := need
	for level := 1; level <= maxBits && k > 0; level++ {
		flags := &h.leaf[level-1]
		k = min(k, h.size[level-1])
		leaves := 0
		for i := 0; i < k; i++ {
			if flags[i] {
				leaves++
			}
		}
		for i := 0; i < leaves; i++ {
			lens[h.keys[i]&0xffff]++
		}
		k = 2 * (k - leaves)
	}
}

// assignCodes gives each symbol its canonical code (RFC 1951, 3.2.2),
// stored bit-reversed because the bitWriter sends LSB first while Huffman
// codes are defined MSB first.
func assignCodes(lens []uint8, codes []uint16) {
	var count [maxCodeLen + 1]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeLen + 1]uint16
	code := uint16(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lens {
		if l == 0 {
			codes[s] = 0
			continue
		}
		codes[s] = bits.Reverse16(next[l]) >> (16 - l)
		next[l]++
	}
}
