package deflate

// Levels. 1..9 are zlib's range, with zlib's level table's meaning of
// good/lazy/nice/chain (1..3 greedy, 4..9 lazy); 10..12 parse by a cost
// model over a binary-tree match finder, each slower and smaller.
const (
	BestSpeed          = 1
	DefaultCompression = -1 // level 9, what firmwright's writers use
	BestCompression    = 9  // the best of the greedy and lazy parses
	BestRatio          = 12 // the best near-optimal parse, far slower
)

type strategy uint8

const (
	greedy  strategy = iota // take the longest match at each position
	lazy                    // zlib's lazy evaluation: defer a match while the next is longer
	optimal                 // minimum-cost path over all matches
)

// levelParams are one level's search limits. For the hash chain parses
// they are zlib's: a match of good bytes or more cuts the lazy search's
// chain to a quarter; a match of lazy bytes or more is not deferred;
// nice ends a search; chain is how many candidates a search visits.
type levelParams struct {
	strategy strategy
	good     int
	lazy     int
	nice     int
	chain    int
	passes   int // optimal: parses per block, each with the last one's costs
	rounds   int // optimal: times the chunk is split and its blocks optimized
	seg      int // tokens per segment of block splitting (see splitter)
	// storeBias: a block is stored when storing costs at most
	// 1/2^storeBias more than coding it (0: only when it costs no more).
	// A stored block inflates as a copy, several times faster than coded
	// literals, so where the coding saves under 0.2% the bytes are not
	// worth it; the highest levels spend every bit.
	storeBias uint8
}

var levels = [BestRatio + 1]levelParams{
	1: {strategy: greedy, nice: 8, chain: 4, seg: 128, storeBias: 9},
	2: {strategy: greedy, nice: 16, chain: 8, seg: 128, storeBias: 9},
	3: {strategy: greedy, nice: 32, chain: 32, seg: 128, storeBias: 9},
	4: {strategy: lazy, good: 4, lazy: 4, nice: 16, chain: 16, seg: 128, storeBias: 9},
	5: {strategy: lazy, good: 8, lazy: 16, nice: 32, chain: 32, seg: 128, storeBias: 9},
	6: {strategy: lazy, good: 8, lazy: 16, nice: 128, chain: 128, seg: 128, storeBias: 9},
	// 7 and 8 sit between 6 and 9: zlib's chains of 256 and 1024 would
	// make them slower than 9 and smaller.
	7: {strategy: lazy, good: 8, lazy: 32, nice: 128, chain: 96, seg: 128, storeBias: 9},
	8: {strategy: lazy, good: 16, lazy: 32, nice: 258, chain: 128, seg: 128, storeBias: 9},
	// 9 is tuned on the corpus (testdata/mkcorpus.sh) for size under
	// zlib -9's on every kind of data at under half its time: a chain
	// of 4-byte hashes needs far fewer candidates than zlib's 4096 of
	// 3-byte ones, and not deferring matches of 48 or more costs little.
	// (A chain of 192 was 0.02% smaller for 20% more candidates; text,
	// the kind that needs the longest chains, stays 0.2% under zlib.)
	9:  {strategy: lazy, good: 32, lazy: 48, nice: 258, chain: 128, seg: 128, storeBias: 9},
	10: {strategy: optimal, nice: 128, chain: 32, passes: 2, rounds: 1, seg: 64},
	11: {strategy: optimal, nice: 258, chain: 128, passes: 4, rounds: 1, seg: 64},
	12: {strategy: optimal, nice: 258, chain: 1024, passes: 6, rounds: 2, seg: 64},
}

// paramsFor returns level's parameters, or false for a level out of range.
func paramsFor(level int) (levelParams, bool) {
	if level == DefaultCompression {
		level = 9
	}
	if level < BestSpeed || level > BestRatio {
		return levelParams{}, false
	}
	return levels[level], true
}
