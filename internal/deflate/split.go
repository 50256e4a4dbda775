package deflate

import "math"

// Block splitting. A chunk's tokens are cut into segments of seg tokens
// (a level parameter: finer is smaller output, and slower); each block
// is a run of whole segments. Ranges are split top down: a
// range is cut where the two sides' symbol statistics differ most (by
// entropy, which prefix sums of segment histograms make cheap to measure
// anywhere), and the cut is kept when the two blocks, priced with their
// real Huffman codes and headers, cost less than the one.
const (
	coarseStep = 16
	numSyms    = numLitLen + numDist // a histogram: lit/len counts then distance counts
	// minSplitGain is the fewest bits of entropy a cut must save to be
	// priced with real codes: less cannot pay for a block header.
	minSplitGain = 300
)

type splitter struct {
	seg    int      // tokens per segment
	prefix []uint32 // prefix[k*numSyms+s]: count of symbol s in segments before k
	nseg   int
	ends   []int // block ends, in tokens
	hist   [numSyms]uint32
}

// split sets s.ends to the blocks' ends for tokens.
func (s *splitter) split(e *blockEncoder, tokens []token) []int {
	s.ends = s.ends[:0]
	s.nseg = (len(tokens) + s.seg - 1) / s.seg
	if s.nseg <= 1 {
		s.ends = append(s.ends, len(tokens))
		return s.ends
	}
	s.count(tokens)
	s.splitRange(e, 0, s.nseg, -1)
	s.ends[len(s.ends)-1] = len(tokens)
	return s.ends
}

// count fills the prefix sums of the segments' histograms.
func (s *splitter) count(tokens []token) {
	n := (s.nseg + 1) * numSyms
	if cap(s.prefix) < n {
		s.prefix = make([]uint32, n)
	}
	s.prefix = s.prefix[:n]
	clear(s.prefix[:numSyms])
	for k := 0; k < s.nseg; k++ {
		row := s.prefix[(k+1)*numSyms : (k+2)*numSyms]
		copy(row, s.prefix[k*numSyms:(k+1)*numSyms])
		seg := tokens[k*s.seg : min(len(tokens), (k+1)*s.seg)]
		for _, t := range seg {
			row[t.litLenSym()]++
			if t.isMatch() {
				row[numLitLen+t.distSym()]++
			}
		}
	}
}

// splitRange appends the ends of the blocks of segments a..b-1, whose
// cost as one block is whole (-1 if not yet known): it cuts the range
// where the statistics differ most and keeps the cut, solving each side
// alike, if the two blocks cost less than the one. (Choosing over the
// whole tree of cuts instead gained 0.03% for twice the time.)
func (s *splitter) splitRange(e *blockEncoder, a, b int, whole int) {
	if b-a < 2 {
		s.ends = append(s.ends, b*s.seg)
		return
	}
	k, gain := s.bestCut(a, b)
	if gain < minSplitGain {
		// a second block's header would cost more than the cut can save
		s.ends = append(s.ends, b*s.seg)
		return
	}
	if whole < 0 {
		whole = s.realCost(e, a, b)
	}
	left, right := s.realCost(e, a, k), s.realCost(e, k, b)
	if left+right >= whole {
		s.ends = append(s.ends, b*s.seg)
		return
	}
	s.splitRange(e, a, k, left)
	s.splitRange(e, k, b, right)
}

// bestCut returns where in a+1..b-1 cutting segments a..b-1 lowers their
// entropy most, and by how much. It looks every coarseStep segments, then
// every quarter of that around the best, and so on down to single
// segments: a small fraction of a full scan's work, and boundaries are
// rarely sharper than that.
func (s *splitter) bestCut(a, b int) (k int, gain float32) {
	best, bestK := float32(math.Inf(1)), a+1
	lo, hi := a+1, b-1
	for k := lo; k <= hi; k += coarseStep {
		if c := s.entropy(a, k) + s.entropy(k, b); c < best {
			best, bestK = c, k
		}
	}
	for step := coarseStep / 4; step >= 1; step /= 4 {
		mid := bestK
		for k := max(lo, mid-3*step); k <= min(hi, mid+3*step); k += step {
			if k == mid {
				continue
			}
			if c := s.entropy(a, k) + s.entropy(k, b); c < best {
				best, bestK = c, k
			}
		}
	}
	return bestK, s.entropy(a, b) - best
}

// rangeHist sets s.hist to the counts of segments a..b-1.
func (s *splitter) rangeHist(a, b int) {
	lo := s.prefix[a*numSyms : (a+1)*numSyms]
	hi := s.prefix[b*numSyms : (b+1)*numSyms]
	for i := range s.hist {
		s.hist[i] = hi[i] - lo[i]
	}
}

// entropy estimates the bits of segments a..b-1's symbols with ideal
// codes, ignoring extra bits (which no cut changes) and headers.
func (s *splitter) entropy(a, b int) float32 {
	lo := s.prefix[a*numSyms : (a+1)*numSyms]
	hi := s.prefix[b*numSyms : (b+1)*numSyms]
	return entropyDiff(lo[:numLitLen], hi[:numLitLen]) + entropyDiff(lo[numLitLen:], hi[numLitLen:])
}

// entropyDiff is the ideal code's bits for the counts hi-lo.
func entropyDiff(lo, hi []uint32) float32 {
	hi = hi[:len(lo)]
	var total uint32
	sum := float32(0)
	for i, l := range lo {
		if c := hi[i] - l; c != 0 {
			total += c
			sum += nlog2(c)
		}
	}
	return nlog2(total) - sum
}

// nlog2Table holds n·log2(n) for small n, the counts most symbols have.
var nlog2Table = func() *[4096]float32 {
	var t [4096]float32
	for n := 1; n < len(t); n++ {
		t[n] = float32(float64(n) * math.Log2(float64(n)))
	}
	return &t
}()

// nlog2 is n·log2(n), from the table or, above it, from the exponent
// and mantissa of n as a float32 with log2(1+m) ≈ m·(1.3465 - 0.3465·m)
// (error under 0.01 bit, as good as the estimate needs).
func nlog2(n uint32) float32 {
	if n < uint32(len(nlog2Table)) {
		return nlog2Table[n]
	}
	return float32(n) * log2(n)
}

// realCost prices segments a..b-1 as a dynamic block.
func (s *splitter) realCost(e *blockEncoder, a, b int) int {
	s.rangeHist(a, b)
	copy(e.litFreq[:], s.hist[:numLitLen])
	copy(e.distFreq[:], s.hist[numLitLen:])
	e.litFreq[endOfBlock] = 1
	return e.buildDynamic()
}
