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

	lastDelta int64 // source offset minus target offset of the last source copy
	lastSrc   int64 // source offset of the last source copy, for the near cache
	lastSelf  int   // window offset of the last self copy
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
	lit, p, misses := 0, 0, 0
	for p+minCopy <= len(t) {
		c := m.best(p, lit)
		if c.benefit <= 0 {
			if p+minCopy <= len(t) {
				m.self.insert(t, p)
			}
			// Skip faster through bytes that match nothing (new compressed
			// data): a copy missed at its start is found a little later
			// and extended backwards.
			misses++
			p += 1 + 2*min(misses>>6, 3) // odd, so every alignment of the index is met
			continue
		}
		misses = 0
		start := m.extendBack(&c, p, lit)
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
	switch {
	case c.kind == opCopy && c.src:
		m.lastDelta = c.addr - (m.base + int64(start))
		m.lastSrc = c.addr
	case c.kind == opCopy:
		m.lastSelf = start
	}
	if c.n < longCopy {
		for q := start; q < start+c.n && q+minCopy <= len(m.t); q++ {
			m.self.insert(m.t, q)
		}
	}
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
