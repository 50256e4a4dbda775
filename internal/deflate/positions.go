package deflate

// positions is how the match finders number positions: a data index plus
// base. Resetting a match finder moves base past every position it holds,
// which puts them all farther back than any window, instead of clearing
// its tables; sliding the window moves base by the slide instead of
// rewriting them. Only when base would leave the range of the int32
// entries are the tables cleared or rewritten. Slots indexed by position
// (prev, child) use the absolute position, which neither changes.
type positions struct{ base int }

// maxBase keeps base+index in an int32 for inputs under 1 GiB.
const maxBase = 1 << 30

// posTables is a match finder's position tables.
type posTables interface {
	clear()
	tables() [][]int32
	pos() *positions
}

func (ps *positions) pos() *positions { return ps }

// forget makes m forget all it holds, used being the data indexes it has
// seen since its last reset.
func forget(m posTables, used int) {
	ps := m.pos()
	if nb := ps.base + used + windowSize + 1; nb <= maxBase {
		ps.base = nb
		return
	}
	m.clear()
	ps.base = 0
}

// slide follows data indexes moving down by delta.
func slide(m posTables, delta int) {
	ps := m.pos()
	ps.base += delta
	if ps.base <= maxBase {
		return
	}
	// Rewrite down by a multiple of the window, which keeps every slot.
	shift := ps.base &^ windowMask
	for _, t := range m.tables() {
		for i, v := range t {
			if int(v)-shift < 0 {
				t[i] = emptyPos
			} else {
				t[i] = int32(int(v) - shift)
			}
		}
	}
	ps.base -= shift
}
