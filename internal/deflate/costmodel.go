package deflate

import "math"

// Costs are in sixteenths of a bit: estimates from symbol frequencies are
// fractional, and integers keep the parse exact and deterministic.
const costScale = 16

// costModel prices each choice of the parse: a literal, a length (its
// symbol and extra bits), a distance (symbol and extra bits).
type costModel struct {
	lit      [256]uint32
	length   [maxMatch + 1]uint32
	distSym  [numDist]uint32
	distLow  [256]uint32 // by distance-1 below 256
	distHigh [256]uint32 // by (distance-1)>>7
}

func (m *costModel) dist(d int) uint32 {
	d--
	if d < 256 {
		return m.distLow[d]
	}
	return m.distHigh[d>>7]
}

// spreadDist fills the by-distance tables from distSym.
func (m *costModel) spreadDist() {
	for d := 0; d < 256; d++ {
		m.distLow[d] = m.distSym[distCodeLow[d]]
	}
	for d := 2; d < 256; d++ {
		m.distHigh[d] = m.distSym[distCodeHigh[d]]
	}
}

// setInitial estimates costs before any parse: literals by their share of
// the bytes of data (matches will take some, but not most, away), lengths
// and distances by symbol guesses that favour short lengths and near
// distances.
func (m *costModel) setInitial(data []byte) {
	var count [256]uint32
	for _, b := range data {
		count[b]++
	}
	n := uint32(len(data))
	for b := range m.lit {
		m.lit[b] = log2Cost(n, count[b]+1)
	}
	for l := minMatch; l <= maxMatch; l++ {
		c := lengthCode[l-minMatch]
		m.length[l] = (5+uint32(c)/4)*costScale + uint32(lengthExtra[c])*costScale
	}
	for s := 0; s < numDist; s++ {
		m.distSym[s] = 5*costScale + uint32(distExtra[s])*costScale
	}
	m.spreadDist()
}

// log2Cost is log2(total/count) in cost units, at least one bit.
func log2Cost(total, count uint32) uint32 {
	c := int32((log2(total) - log2(count)) * costScale)
	return uint32(max(c, costScale))
}

// log2 approximates log2(n) within 0.01, as nlog2 does.
func log2(n uint32) float32 {
	b := math.Float32bits(float32(n))
	m := math.Float32frombits(b&0x7fffff|127<<23) - 1
	return float32(int32(b>>23)-127) + m*(1.3465-0.3465*m)
}

// setFromFreqs prices symbols by their share of the last parse's symbols,
// in fractions of a bit; missing symbols as if seen half a time.
func (m *costModel) setFromFreqs(litFreq, distFreq []uint32) {
	var lt, dt uint32
	for _, f := range litFreq {
		lt += f
	}
	for _, f := range distFreq {
		dt += f
	}
	sc := func(total, f uint32) uint32 {
		if f == 0 {
			return log2Cost(2*total, 1)
		}
		return log2Cost(total, f)
	}
	for b := 0; b < 256; b++ {
		m.lit[b] = sc(lt, litFreq[b])
	}
	for l := minMatch; l <= maxMatch; l++ {
		c := lengthCode[l-minMatch]
		m.length[l] = sc(lt, litFreq[257+int(c)]) + uint32(lengthExtra[c])*costScale
	}
	for s := 0; s < numDist; s++ {
		m.distSym[s] = sc(max(dt, 1), distFreq[s]) + uint32(distExtra[s])*costScale
	}
	m.spreadDist()
}
