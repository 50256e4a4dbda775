package deflate

// A match found at a position: length 3..258, distance 1..32767.
type match struct{ length, dist uint16 }

// optParser chooses a chunk's literals and matches by dynamic
// programming over every match the match finder saw, with a cost model
// that the previous parse's symbol statistics give: a near-optimal parse,
// as zopfli's and libdeflate's high levels make.
type optParser struct {
	matches []match // every position's matches, in position order
	mstart  []int32 // mstart[i]..mstart[i+1]: position i's, i from the chunk start
	cost    []uint32
	choice  []uint32 // length<<16 | dist of the choice at i; 0 for a literal
	costs   costModel
	block   []token // a block's tokens as a later pass parses them
	next    []token
}

// compressOptimal parses data[start:end] with estimated costs, then with
// that parse's, splits the result into blocks, then parses each block
// again with the costs of its previous parse, passes-1 times, and writes
// it. Costs come from symbol frequencies, in fractions of a bit: that
// gained 0.04% over whole-bit Huffman code lengths.
func (c *compressor) compressOptimal(data []byte, start, end int, final bool) {
	o := &c.opt
	c.collect(data, start, end)
	o.costs.setInitial(data[start:end])
	c.tokens = o.parseRange(data, start, 0, end-start, c.tokens[:0])
	// Once more over the whole chunk with the first parse's costs, so the
	// split sees statistics closer to the final ones.
	c.enc.countTokens(c.tokens)
	o.costs.setFromFreqs(c.enc.litFreq[:], c.enc.distFreq[:])
	c.tokens = o.parseRange(data, start, 0, end-start, c.tokens[:0])
	// Each round but the last splits, optimizes the blocks and joins them
	// again, so the next split sees the optimized statistics.
	for round := 1; round < c.p.rounds; round++ {
		ends := c.split.split(c.enc, c.tokens)
		o.next = o.next[:0]
		t0, r0 := 0, 0
		for _, t1 := range ends {
			r1 := r0 + tokenBytes(c.tokens[t0:t1])
			toks := c.optimizeBlock(data, start, r0, r1, c.tokens[t0:t1])
			o.next = append(o.next, toks...)
			t0, r0 = t1, r1
		}
		c.tokens, o.next = o.next, c.tokens
	}
	ends := c.split.split(c.enc, c.tokens)
	t0, r0 := 0, 0
	for i, t1 := range ends {
		r1 := r0 + tokenBytes(c.tokens[t0:t1])
		toks := c.optimizeBlock(data, start, r0, r1, c.tokens[t0:t1])
		c.enc.writeBlock(&c.bw, toks, data[start+r0:start+r1], final && i == len(ends)-1)
		t0, r0 = t1, r1
	}
}

// optimizeBlock parses the block data[start+r0:start+r1], whose tokens
// are toks, passes-1 more times, each with the costs of the last parse.
func (c *compressor) optimizeBlock(data []byte, start, r0, r1 int, toks []token) []token {
	o := &c.opt
	for pass := 1; pass < c.p.passes; pass++ {
		c.enc.countTokens(toks)
		o.costs.setFromFreqs(c.enc.litFreq[:], c.enc.distFreq[:])
		o.block = o.parseRange(data, start, r0, r1, o.block[:0])
		toks = o.block
	}
	return toks
}

// tokenBytes returns how many bytes toks encode.
func tokenBytes(toks []token) int {
	n := 0
	for _, t := range toks {
		if t.isMatch() {
			n += t.length()
		} else {
			n++
		}
	}
	return n
}

// collect runs the match finder over data[start:end], filling o.matches.
// After a match of nice bytes or more the positions it covers are only
// inserted: a long repeat would otherwise cost its length squared.
func (c *compressor) collect(data []byte, start, end int) {
	o := &c.opt
	n := end - start
	o.matches = o.matches[:0]
	if cap(o.mstart) < n+1 {
		o.mstart = make([]int32, n+1)
	}
	o.mstart = o.mstart[:n+1]
	p := start
	for p < end {
		o.mstart[p-start] = int32(len(o.matches))
		if end-p < 4 {
			p++
			continue
		}
		o.matches = c.bt.find(data, p, end, c.p.chain, c.p.nice, o.matches, true)
		o.matches = dropDominated(o.matches, int(o.mstart[p-start]))
		k := len(o.matches)
		if k > int(o.mstart[p-start]) && int(o.matches[k-1].length) >= c.p.nice {
			l := int(o.matches[k-1].length)
			for q := p + 1; q < p+l; q++ {
				o.mstart[q-start] = int32(k)
			}
			c.insertRange(data, p+1, p+l, end)
			p += l
			continue
		}
		p++
	}
	o.mstart[n] = int32(len(o.matches))
}

// dropDominated removes from ms[from:], matches of increasing length,
// each one that a longer match at no greater distance makes useless.
func dropDominated(ms []match, from int) []match {
	out := len(ms)
	for i := len(ms) - 1; i >= from; i-- {
		if out < len(ms) && ms[i].dist >= ms[out].dist {
			continue
		}
		out--
		ms[out] = ms[i]
	}
	return append(ms[:from], ms[out:]...)
}

// parseRange finds the cheapest path through data[a:b] (offsets from the
// chunk start, which is data[start]) under o.costs and appends its tokens
// to toks.
func (o *optParser) parseRange(data []byte, start, a, b int, toks []token) []token {
	n := b - a
	if cap(o.cost) < n+1 {
		o.cost = make([]uint32, n+1)
		o.choice = make([]uint32, n+1)
	}
	cost, choice := o.cost[:n+1], o.choice[:n+1]
	cm := &o.costs
	cost[n] = 0
	for i := n - 1; i >= 0; i-- {
		best := cm.lit[data[start+a+i]] + cost[i+1]
		ch := uint32(0)
		prevLen := minMatch - 1
		maxLen := n - i
		for _, m := range o.matches[o.mstart[a+i]:o.mstart[a+i+1]] {
			l := min(int(m.length), maxLen)
			dc := cm.dist(int(m.dist))
			for ; prevLen < l; prevLen++ {
				ln := prevLen + 1
				if c := cm.length[ln] + dc + cost[i+ln]; c < best {
					best, ch = c, uint32(ln)<<16|uint32(m.dist)
				}
			}
		}
		cost[i], choice[i] = best, ch
	}
	for i := 0; i < n; {
		ch := choice[i]
		if ch == 0 {
			toks = append(toks, literalToken(data[start+a+i]))
			i++
			continue
		}
		l := int(ch >> 16)
		toks = append(toks, matchToken(l, int(ch&0xffff)))
		i += l
	}
	return toks
}
