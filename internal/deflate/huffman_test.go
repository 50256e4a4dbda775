package deflate

import (
	"math/rand/v2"
	"testing"
)

// refLengths is a slow, obviously correct optimal length-limited code:
// package-merge over full lists, with packages tracked as leaf counts.
func refLengths(freq []uint32, maxBits int) []uint8 {
	type item struct {
		w     uint64
		count []int // how many times each symbol is inside
	}
	var leaves []item
	for s, f := range freq {
		if f != 0 {
			c := make([]int, len(freq))
			c[s] = 1
			leaves = append(leaves, item{uint64(f), c})
		}
	}
	lens := make([]uint8, len(freq))
	if len(leaves) < 2 {
		return nil // the builder's special cases are tested apart
	}
	sortItems := func(it []item) {
		for i := 1; i < len(it); i++ {
			for j := i; j > 0 && it[j].w < it[j-1].w; j-- {
				it[j], it[j-1] = it[j-1], it[j]
			}
		}
	}
	sortItems(leaves)
	list := append([]item(nil), leaves...)
	for level := 1; level < maxBits; level++ {
		var pk []item
		for i := 0; i+1 < len(list); i += 2 {
			c := make([]int, len(freq))
			for s := range c {
				c[s] = list[i].count[s] + list[i+1].count[s]
			}
			pk = append(pk, item{list[i].w + list[i+1].w, c})
		}
		list = append(append([]item(nil), leaves...), pk...)
		sortItems(list)
	}
	for _, it := range list[:2*len(leaves)-2] {
		for s, n := range it.count {
			lens[s] += uint8(n)
		}
	}
	return lens
}

func codeCost(freq []uint32, lens []uint8) int {
	n := 0
	for s, f := range freq {
		n += int(f) * int(lens[s])
	}
	return n
}

func TestHuffmanLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	hb := newHuffBuilder()
	for iter := 0; iter < 300; iter++ {
		n := 2 + r.IntN(40)
		maxBits := 4 + r.IntN(4)
		if n > 1<<maxBits {
			n = 1 << maxBits
		}
		freq := make([]uint32, n)
		for s := range freq {
			if r.IntN(4) != 0 {
				// skewed, so that limits bind
				freq[s] = 1 + uint32(r.ExpFloat64()*float64(r.IntN(1000)+1))
			}
		}
		lens := make([]uint8, n)
		hb.lengths(freq, lens, maxBits)
		var kraft float64
		used := 0
		for s, l := range lens {
			if int(l) > maxBits {
				t.Fatalf("length %d over limit %d", l, maxBits)
			}
			if (l == 0) != (freq[s] == 0) && used > 1 {
				t.Fatalf("symbol %d: freq %d length %d", s, freq[s], l)
			}
			if l != 0 {
				kraft += 1 / float64(uint(1)<<l)
				used++
			}
		}
		if kraft != 1 {
			t.Fatalf("incomplete code: Kraft sum %v, lens %v", kraft, lens)
		}
		if ref := refLengths(freq, maxBits); ref != nil && codeCost(freq, ref) != codeCost(freq, lens) {
			t.Fatalf("cost %d, optimal %d (freq %v)", codeCost(freq, lens), codeCost(freq, ref), freq)
		}
	}
}

// TestHuffmanFewSymbols: a code with one symbol or none still gets two
// lengths of 1, a complete code every inflater accepts.
func TestHuffmanFewSymbols(t *testing.T) {
	hb := newHuffBuilder()
	for _, tc := range []struct {
		freq []uint32
		want []uint8
	}{
		{[]uint32{0, 0, 0}, []uint8{1, 1, 0}},
		{[]uint32{0, 0, 5}, []uint8{1, 0, 1}},
		{[]uint32{7, 0, 0}, []uint8{1, 1, 0}},
	} {
		lens := make([]uint8, len(tc.freq))
		hb.lengths(tc.freq, lens, 7)
		for i := range lens {
			if lens[i] != tc.want[i] {
				t.Errorf("freq %v: lens %v, want %v", tc.freq, lens, tc.want)
				break
			}
		}
	}
}
