package vcdiff

// Instruction types, as the code table names them.
const (
	opNoop = iota
	opAdd
	opRun
	opCopy
)

// Address cache geometry of the default code table (RFC 3284 section 5.6):
// four near slots and three 256-entry same tables, so nine copy modes.
const (
	nearSlots = 4
	sameTabs  = 3
	copyModes = 2 + nearSlots + sameTabs
	// minCopy is the smallest copy size the table implies.
	minCopy = 4
)

// half is one of the two instructions an opcode stands for; size 0 means
// the size follows in the instruction section.
type half struct {
	typ, size, mode uint8
}

type opcode struct{ a, b half }

// defaultTable is the RFC 3284 default code table, which is the only one
// xdelta3 writes (its VCD_CODETABLE support was removed).
var defaultTable = buildDefaultTable()

// buildDefaultTable lays out the 256 entries in the RFC's order: RUN, the
// ADDs, the COPYs by mode, ADD+COPY pairs (ADD size outer, COPY size inner;
// the same-cache modes only pair with COPY 4), then COPY 4 + ADD 1 by mode.
func buildDefaultTable() [256]opcode {
	var t [256]opcode
	i := 0
	put := func(a, b half) { t[i] = opcode{a, b}; i++ }
	put(half{opRun, 0, 0}, half{})
	for size := 0; size <= 17; size++ {
		put(half{opAdd, uint8(size), 0}, half{})
	}
	for mode := uint8(0); mode < copyModes; mode++ {
		put(half{opCopy, 0, mode}, half{})
		for size := minCopy; size <= 18; size++ {
			put(half{opCopy, uint8(size), mode}, half{})
		}
	}
	for mode := uint8(0); mode < copyModes; mode++ {
		maxCopy := 6
		if mode >= 2+nearSlots {
			maxCopy = 4
		}
		for add := 1; add <= 4; add++ {
			for cp := minCopy; cp <= maxCopy; cp++ {
				put(half{opAdd, uint8(add), 0}, half{opCopy, uint8(cp), mode})
			}
		}
	}
	for mode := uint8(0); mode < copyModes; mode++ {
		put(half{opCopy, 4, mode}, half{opAdd, 1, 0})
	}
	return t
}

// Opcode numbers the encoder needs, derived from the layout above.
const (
	codeRun        = 0
	codeAdd0       = 1   // ADD with explicit size; ADD n (1..17) is codeAdd0+n
	codeCopy0      = 19  // COPY mode m, explicit size: codeCopy0+16m; sizes 4..18 at +size-3
	codeAddCopy    = 163 // ADD 1..4 + COPY 4..6, modes 0..5: +12m+3(add-1)+(copy-4)
	codeAddCopySam = 235 // ADD 1..4 + COPY 4, same modes 6..8: +4(m-6)+(add-1)
	codeCopyAdd    = 247 // COPY 4 mode m + ADD 1: +m
)
