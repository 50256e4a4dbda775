package vcdiff

import "bytes"

// best returns the most profitable instruction at position p, whose
// benefit is <= 0 when ADDing the byte is better. lit is where the pending
// ADD starts: a copy that splits it costs an extra instruction.
func (m *matcher) best(p, lit int) candidate {
	t := m.t
	var b candidate
	split := 0
	if lit < p {
		split = 1
	}
	if r := runLen(t[p:]); r >= minCopy {
		b = candidate{kind: opRun, n: r, benefit: r - 2 - varintLen(uint64(r)) - split}
	}
	try := func(c candidate) {
		if c.benefit > b.benefit {
			b = c
		}
	}
	if len(m.seg) > 0 {
		// The offset of the last source copy first: after a small edit
		// the source usually goes on where it left off.
		here := m.base + int64(p)
		try(m.srcCandidate(p, here+m.lastDelta, split))
		gap := here - m.lastTgtEnd
		if gap > 0 {
			// Bytes were inserted: the source may resume where it stopped.
			try(m.srcCandidate(p, m.lastSrcEnd, split))
		}
		if lit == p && gap < resyncSpan {
			try(m.resync(p, m.lastSrcEnd+gap-resyncBack))
		}
		if p+hashLen <= len(t) {
			if a := m.idx.lookup(t[p:]); a >= 0 {
				try(m.srcCandidate(p, a, split))
			}
		}
	}
	if b.n < 2*longCopy {
		if from, n := m.self.best(t, p, len(t)-p); n >= minCopy {
			cost := copyCost(n, varintLen(uint64(p-from)))
			try(candidate{kind: opCopy, n: n, addr: int64(from), benefit: n - cost - split})
		}
	}
	return b
}

// After an instruction, the source near where the last source copy ended
// (as far on as the target has gone since) is searched for the next
// bytes: the sign of a deletion, or of a run or a self copy the source
// also has. It finds what the index misses when repetitive data has its
// entries pointing at other repeats.
const (
	resyncSpan = 1024
	resyncBack = 64
)

func (m *matcher) resync(p int, a int64) candidate {
	const needle = 8
	if p+needle > len(m.t) {
		return candidate{}
	}
	from := max(a, m.lastSrcEnd) - m.segPos
	if from < 0 || from >= int64(len(m.seg)) {
		return candidate{}
	}
	hay := m.seg[from:min(int64(len(m.seg)), from+resyncSpan)]
	i := bytes.Index(hay, m.t[p:p+needle])
	if i < 0 {
		return candidate{}
	}
	return m.srcCandidate(p, m.segPos+from+int64(i), 0)
}

// srcCandidate measures a copy of the source at offset a to position p.
func (m *matcher) srcCandidate(p int, a int64, split int) candidate {
	if a < m.segPos || a >= m.segPos+int64(len(m.seg)) {
		return candidate{}
	}
	n := matchLen(m.seg[a-m.segPos:], m.t[p:])
	if n < minCopy {
		return candidate{}
	}
	// The address will most likely be written relative to the last
	// source copy (the near cache) or from the segment start (self mode).
	ac := varintLen(uint64(a - m.segPos))
	if d := a - m.lastSrc; d >= 0 {
		ac = min(ac, varintLen(uint64(d)))
	}
	return candidate{kind: opCopy, src: true, n: n, addr: a, benefit: n - copyCost(n, ac) - split}
}

// copyCost estimates the bytes a COPY of n bytes takes: its opcode, its
// size when the code table does not imply it, and its address.
func copyCost(n, addrCost int) int {
	c := 1 + addrCost
	if n > 18 {
		c += varintLen(uint64(n))
	}
	return c
}

// runLen is how many times b[0] repeats at the start of b.
func runLen(b []byte) int {
	if len(b) < minCopy || b[0] != b[1] || b[0] != b[2] || b[0] != b[3] {
		return 0
	}
	n := 4
	for n < len(b) && b[n] == b[0] {
		n++
	}
	return n
}
