package vcdiff

// inst is one instruction of a window before it is written: an ADD of
// t[pos:pos+n], a RUN of t[pos], or a COPY of n bytes from the source (at
// absolute offset addr) or from the window itself (at window offset addr).
type inst struct {
	kind uint8
	src  bool
	pos  int
	n    int
	addr int64
}

// candidate is a possible COPY or RUN at the matcher's position.
type candidate struct {
	kind    uint8
	src     bool
	n       int
	addr    int64
	benefit int // bytes saved over ADDing the same bytes
}

// matcher turns one target window into instructions, given the source
// segment it may copy from.
type matcher struct {
	idx    *sourceIndex
	seg    []byte // source bytes [segPos, segPos+len(seg))
	segPos int64
	self   *selfIndex
	t      []byte
	base   int64 // target offset of the window
	out    []inst

	// Where the last source copy was, as absolute offsets: the best guesses
	// for the next one after an edit.
	lastDelta  int64 // its source offset minus its target offset
	lastSrc    int64 // its source offset, for the near cache estimate
	lastSrcEnd int64 // the source offset after it
	lastTgtEnd int64 // the target offset after it

	nextIns int // the self index has every position it will get below this
}

// longCopy is the length past which a copy's bytes are not entered in the
// self index: they came from the source, where a later repeat of them
// will be found too, and entering them would cost most of the time.
const longCopy = 32

// run matches the whole window.
func (m *matcher) run() []inst {
	t := m.t
	m.out = m.out[:0]
	m.self.reset(len(t))
	m.nextIns = 0
	lit, p, misses := 0, 0, 0
	for p+minCopy <= len(t) {
		c := m.best(p, lit)
		if c.benefit <= 0 {
			if p >= m.nextIns {
				m.self.insert(t, p)
				m.nextIns = p + 1
			}
			// Skip faster through bytes that match nothing (new compressed
			// data): a copy missed at its start is found a little later
			// and extended backwards.
			misses++
			p += 1 + 2*min(misses>>8, 1) // odd, so every alignment of the index is met
			continue
		}
		misses = 0
		if c.n < lazyBelow && p+1+minCopy <= len(t) && m.betterNext(c, p, lit) {
			p++
			continue
		}
		start := m.extendBack(&c, p, lit)
		if c.n < lookaheadBelow {
			start = m.lookahead(&c, start, p, lit)
		}
		if start > lit {
			m.out = append(m.out, inst{kind: opAdd, pos: lit, n: start - lit})
		}
		m.out = append(m.out, inst{kind: c.kind, src: c.src, pos: start, n: c.n, addr: c.addr})
		m.note(c, start)
		p = start + c.n
		lit = p
	}
	if lit < len(t) {
		m.out = append(m.out, inst{kind: opAdd, pos: lit, n: len(t) - lit})
	}
	return m.out
}

// note remembers a chosen copy for the next estimates, and enters short
// copies' bytes in the self index.
func (m *matcher) note(c candidate, start int) {
	if c.kind == opCopy && c.src {
		m.lastDelta = c.addr - (m.base + int64(start))
		m.lastSrc = c.addr
		m.lastSrcEnd = c.addr + int64(c.n)
		m.lastTgtEnd = m.base + int64(start+c.n)
	}
	end := start + c.n
	if c.n < longCopy {
		for q := max(start, m.nextIns); q < end && q+minCopy <= len(m.t); q++ {
			m.self.insert(m.t, q)
		}
	}
	m.nextIns = max(m.nextIns, end)
}

// lazyBelow is the length under which a copy is put off by a byte when the
// next position has a better one (lazy matching, as LZ77 compressors do).
const lazyBelow = 32

func (m *matcher) betterNext(c candidate, p, lit int) bool {
	if p >= m.nextIns {
		m.self.insert(m.t, p)
		m.nextIns = p + 1
	}
	return m.best(p+1, lit).benefit > c.benefit+1
}

// lookaheadBelow is the copy length under which the source is probed at the
// next few positions for a copy that, extended backwards, covers this one
// and goes further: with repetitive data the index's one entry per hash
// often points at an unrelated repeat, while the neighbouring positions'
// entries find where the source really goes on.
const lookaheadBelow = 128

func (m *matcher) lookahead(c *candidate, start, p, lit int) int {
	if len(m.seg) == 0 {
		return start
	}
	end := start + c.n
	for q := p + 1; q < p+2*minIndexStep && q+hashLen <= len(m.t); q++ {
		a := m.idx.lookup(m.t[q:])
		if a < 0 {
			continue
		}
		d := m.srcCandidate(q, a, 0)
		if d.n == 0 || q+d.n <= end {
			continue
		}
		s := m.extendBack(&d, q, lit)
		if s <= start && d.benefit+(q-s) > c.benefit {
			*c = d
			c.benefit += q - s
			start, end = s, s+d.n
		}
	}
	return start
}

// extendBack grows a source or self copy backwards over the pending
// literal bytes [lit, p) that also match, and returns its new start.
func (m *matcher) extendBack(c *candidate, p, lit int) int {
	if c.kind != opCopy {
		return p
	}
	t := m.t
	for p > lit {
		var prev byte
		if c.src {
			if c.addr <= m.segPos {
				break
			}
			prev = m.seg[c.addr-1-m.segPos]
		} else {
			if c.addr == 0 {
				break
			}
			prev = t[c.addr-1]
		}
		if prev != t[p-1] {
			break
		}
		p--
		c.addr--
		c.n++
	}
	return p
}
