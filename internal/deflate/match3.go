package deflate

// A 3-byte match saves little, and costs more than its literals when far:
// zlib takes one only within 4096 bytes (maxDist3). The lazy parse also
// takes a farther one when the chunk's literal statistics say its literals
// would cost more.

// setLitCosts prices literals by their frequency in data.
func (m *hashChain) setLitCosts(data []byte) {
	var count [256]uint32
	for _, b := range data {
		count[b]++
	}
	n := uint32(len(data))
	for b := range m.litCost {
		m.litCost[b] = log2Cost(n, count[b]+1)
	}
}

// worth3 tells whether a 3-byte match at p, dist back, beats literals by
// the estimate: a length 3 symbol and a distance symbol of far3Bits
// together, plus the distance's extra bits. (Tried from 4 to 13 bits on
// the corpus: 5 and 6 were best, 0.1% smaller than zlib's rule alone.)
func (m *hashChain) worth3(data []byte, p, dist int) bool {
	lit := m.litCost[data[p]] + m.litCost[data[p+1]] + m.litCost[data[p+2]]
	ds := distCodeHigh[(dist-1)>>7]
	return lit > uint32(far3Bits+int(distExtra[ds]))*costScale
}

const far3Bits = 6
