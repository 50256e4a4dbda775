package deflate

// parseGreedy appends to c.tokens a parse of data[start:end] that takes
// the longest match found at each position.
func (c *compressor) parseGreedy(data []byte, start, end int) {
	p := start
	for p < end {
		if end-p < 4 {
			c.tokens = append(c.tokens, literalToken(data[p]))
			p++
			continue
		}
		l, d := c.hc.find(data, p, end, 0, c.p.chain, c.p.nice)
		if l == 0 {
			c.tokens = append(c.tokens, literalToken(data[p]))
			p++
			continue
		}
		c.tokens = append(c.tokens, matchToken(l, d))
		c.insertRange(data, p+1, p+l, end)
		p += l
	}
}

// parseLazy appends to c.tokens a parse of data[start:end] by lazy
// evaluation: a match is held back while the next position has a longer
// one, the held position then going out as a literal.
func (c *compressor) parseLazy(data []byte, start, end int) {
	p := start
	for p < end {
		if end-p < 4 {
			c.tokens = append(c.tokens, literalToken(data[p]))
			p++
			continue
		}
		l, d := c.hc.find(data, p, end, 0, c.p.chain, c.p.nice)
		if l == 0 {
			c.tokens = append(c.tokens, literalToken(data[p]))
			p++
			continue
		}
		for l < c.p.lazy && end-(p+1) >= 4 {
			depth := c.p.chain
			if l >= c.p.good {
				depth >>= 2
			}
			l2, d2 := c.hc.find(data, p+1, end, l, depth, c.p.nice)
			if l2 == 0 {
				break
			}
			c.tokens = append(c.tokens, literalToken(data[p]))
			p++
			l, d = l2, d2
		}
		c.tokens = append(c.tokens, matchToken(l, d))
		next := p + 1
		if l < c.p.lazy && end-(p+1) >= 4 {
			next = p + 2 // the lazy search inserted p+1
		}
		c.insertRange(data, next, p+l, end)
		p += l
	}
}

// insertRange inserts positions from..to-1 that have 4 bytes of data.
func (c *compressor) insertRange(data []byte, from, to, end int) {
	to = min(to, end-3)
	if c.bt != nil {
		for q := from; q < to; q++ {
			c.bt.find(data, q, end, c.p.chain, c.p.nice, nil, false)
		}
		return
	}
	for q := from; q < to; q++ {
		c.hc.insert(data, q)
	}
}
