package deflate

// binTree finds matches for the near-optimal parse: for each 4-byte hash a
// binary search tree of earlier positions ordered by the bytes that follow
// them, the newest at the root. Inserting a position walks down from the
// root, which visits the longest matches first of all the bucket's
// positions, far fewer nodes than a hash chain of the same reach. (This
// is the structure of LZMA's bt4 and libdeflate's bt_matchfinder.)
//
// The order compares at most nice bytes: a position whose nice bytes
// equal a node's takes that node's place, so each key is in a tree once
// and the tree is a true search tree over keys. That is what lets a walk
// assume the common prefix its two bounds share with the new position.
type binTree struct {
	head  []int32
	head3 []int32
	// child[2*(p&windowMask)] is p's left subtree (smaller keys),
	// child[2*(p&windowMask)+1] its right (larger keys).
	child []int32
	positions
}

func newBinTree() *binTree {
	t := &binTree{
		head:  make([]int32, 1<<hashBits),
		head3: make([]int32, 1<<hash3Bits),
		child: make([]int32, 2*windowSize),
	}
	t.clear()
	return t
}

// clear empties the trees; child needs no clearing, as a position's
// slots are written when it is inserted.
func (t *binTree) clear() {
	for i := range t.head {
		t.head[i] = emptyPos
	}
	for i := range t.head3 {
		t.head3[i] = emptyPos
	}
}

func (t *binTree) tables() [][]int32 { return [][]int32{t.head, t.head3, t.child} }

// find inserts p, which has 4 bytes of data after it, and, if ms is not
// nil, appends its matches of increasing length (each the nearest the
// walk saw of that length or more) up to max bytes. depth bounds the
// nodes visited.
func (t *binTree) find(data []byte, p, end, depth, nice int, ms []match, record bool) []match {
	u := load32(data, p)
	h := hash4(u)
	base := t.base
	cur := int(t.head[h]) - base
	t.head[h] = int32(p + base)
	h3 := hash3(u)
	c3 := int(t.head3[h3]) - base
	t.head3[h3] = int32(p + base)

	max := min(maxMatch, end-p)
	keyLen := min(nice, max) // bytes the tree order looks at
	best := minMatch - 1
	// A 3-byte match at any distance: the cost model judges it (allowing
	// all, rather than zlib's 4096, gained 0.2%, most on arm64 code).
	if record && p-c3 < windowSize && max >= minMatch && load32(data, c3)&0xffffff == u&0xffffff {
		best = matchLen(data, c3, p, max)
		ms = append(ms, match{uint16(best), uint16(p - c3)})
	}
	left := 2 * ((p + base) & windowMask) // slot where the next smaller node hangs
	right := left + 1                     // slot where the next larger node hangs
	lenL, lenR := 0, 0                    // bytes the left and right bounds share with p
	limit := p - windowSize
	for ; depth > 0 && cur > limit; depth-- {
		l := min(lenL, lenR)
		l += matchLen(data, cur+l, p+l, keyLen-l)
		if record && l > best {
			best = l
			full := l
			if l == keyLen && keyLen < max {
				full += matchLen(data, cur+l, p+l, max-l)
			}
			ms = append(ms, match{uint16(full), uint16(p - cur)})
		}
		cs := 2 * ((cur + base) & windowMask)
		if l == keyLen {
			if keyLen < nice {
				// the data ends before the key does: the order past
				// it is unknown, so end the walk here
				break
			}
			t.child[left], t.child[right] = t.child[cs], t.child[cs+1]
			return ms
		}
		if data[cur+l] < data[p+l] {
			t.child[left] = int32(cur + base)
			left = cs + 1
			lenL = l
			cur = int(t.child[cs+1]) - base
		} else {
			t.child[right] = int32(cur + base)
			right = cs
			lenR = l
			cur = int(t.child[cs]) - base
		}
	}
	t.child[left], t.child[right] = emptyPos, emptyPos
	return ms
}
