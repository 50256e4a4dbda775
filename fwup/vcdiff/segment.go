package vcdiff

import "slices"

// When the source is larger than a source window, each target window gets
// the stretch of source its contents are most like: a sample of the
// window's positions is looked up in the source index (no source bytes are
// read), and the SourceWindow-long span holding the most hits wins. Only
// bytes the source has once vote: zero runs and other repeats would
// otherwise all point at their last occurrence.
// Sampling step consecutive positions in every 32 steps meets every
// alignment of the index's step-spaced entries.
const voteEvery = 32

func (e *encoder) loadSegment(t []byte) error {
	pos := e.chooseSegment(t)
	size := min(e.opts.SourceWindow, e.srcLen-pos)
	if e.segLoaded && pos == e.segPos && int64(len(e.seg)) == size {
		return nil
	}
	if cap(e.seg) < int(size) {
		e.seg = make([]byte, size)
	}
	e.seg, e.segPos, e.segLoaded = e.seg[:size], pos, true
	return readFullAt(e.src, e.seg, pos)
}

func (e *encoder) chooseSegment(t []byte) int64 {
	var votes []int64
	run := int(e.idx.step)
	for p := 0; p+hashLen <= len(t); p += voteEvery * run {
		for q := p; q < p+run && q+hashLen <= len(t); q++ {
			if a := e.idx.lookupUnique(t[q:]); a >= 0 {
				votes = append(votes, a)
			}
		}
	}
	width := e.opts.SourceWindow
	if len(votes) == 0 {
		// Nothing matches: follow the target position, as xdelta3 does.
		return clampSegment(e.offset, width, e.srcLen)
	}
	slices.Sort(votes)
	bestLo, bestN := 0, 0
	hi := 0
	for lo := range votes {
		hi = max(hi, lo+1) // a hit counts even in a window narrower than it
		for hi < len(votes) && votes[hi]+hashLen <= votes[lo]+width {
			hi++
		}
		if hi-lo > bestN {
			bestLo, bestN = lo, hi-lo
		}
	}
	// Centre the slack around the hits, so that copies extended either
	// way from them still fall inside.
	first, last := votes[bestLo], votes[bestLo+bestN-1]
	slack := max(0, width-(last+hashLen-first))
	return clampSegment(first-slack/2, width, e.srcLen)
}

func clampSegment(pos, width, srcLen int64) int64 {
	return max(0, min(pos, srcLen-width))
}
