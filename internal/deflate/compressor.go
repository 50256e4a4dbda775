package deflate

// compressor is the encoder without its buffering: it parses a range of a
// byte slice whose earlier bytes are history already inserted into its
// match finder, and writes the range as blocks to its bitWriter.
type compressor struct {
	p      levelParams
	hc     *hashChain // the match finder of the greedy and lazy parses
	bt     *binTree   // or of the optimal parse
	enc    *blockEncoder
	split  splitter
	bw     bitWriter
	tokens []token
	opt    optParser
	// inserted is the first position not yet in the match finder. The
	// last 3 bytes of a range wait for the next range's data, and a
	// dictionary is inserted when the first range comes.
	inserted int
	used     int // the end of the data compressed since the last reset
}

func newCompressor(p levelParams) *compressor {
	c := &compressor{p: p, enc: newBlockEncoder(p.storeBias), split: splitter{seg: p.seg}}
	if p.strategy == optimal {
		c.bt = newBinTree()
	} else {
		c.hc = newHashChain()
	}
	return c
}

// finder returns the match finder's position tables.
func (c *compressor) finder() posTables {
	if c.bt != nil {
		return c.bt
	}
	return c.hc
}

// reset forgets all history and output.
func (c *compressor) reset() {
	forget(c.finder(), c.used)
	c.used = 0
	c.bw.reset()
	c.inserted = 0
}

// rebase follows the window sliding down by delta bytes.
func (c *compressor) rebase(delta int) {
	slide(c.finder(), delta)
	c.inserted -= delta
	c.used -= delta
}

// compress writes data[start:end] as one or more blocks, the last one
// final if final. With nothing to write it writes nothing, or an empty
// final block.
func (c *compressor) compress(data []byte, start, end int, final bool) {
	if start == end {
		if final {
			c.enc.writeEmptyFinal(&c.bw)
		}
		return
	}
	c.used = end
	c.insertRange(data, c.inserted, start, end)
	c.tokens = c.tokens[:0]
	if c.hc != nil {
		c.hc.setLitCosts(data[start:end])
	}
	switch c.p.strategy {
	case greedy:
		c.parseGreedy(data, start, end)
	case lazy:
		c.parseLazy(data, start, end)
	case optimal:
		c.compressOptimal(data, start, end, final)
		c.inserted = max(start, end-3)
		return
	}
	c.inserted = max(start, end-3)
	c.writeBlocks(data[start:end], final)
}

// writeBlocks splits c.tokens, which encode raw, into blocks and writes
// them.
func (c *compressor) writeBlocks(raw []byte, final bool) {
	ends := c.split.split(c.enc, c.tokens)
	t0, r0 := 0, 0
	for i, t1 := range ends {
		r1 := r0 + tokenBytes(c.tokens[t0:t1])
		c.enc.writeBlock(&c.bw, c.tokens[t0:t1], raw[r0:r1], final && i == len(ends)-1)
		t0, r0 = t1, r1
	}
}
