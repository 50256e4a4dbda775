package deflate

// Decoding tables. A table maps the next pbits bits of input (least
// significant first, as DEFLATE packs codes reversed) to an entry; a code
// longer than pbits leads to a subtable indexed by the bits after those.
// An entry is a uint32:
//
//	bits 0-3   bits to consume: the code's length (in a subtable, the
//	           length past pbits), or pbits for a subtable link
//	bits 4-7   extra bits after the code (a length's or a distance's),
//	           or a subtable link's index bits
//	bits 8-10  kind
//	bits 16-31 value: the literal, the length or distance base, or the
//	           subtable's offset
type entry = uint32

const (
	kindLiteral = iota
	kindLength
	kindEnd // end of block
	kindDist
	kindSub     // a link to a subtable
	kindInvalid // no code, or a symbol the format reserves
)

const invalidEntry entry = kindInvalid << 8

func mkEntry(kind, extra, value uint32) entry { return kind<<8 | extra<<4 | value<<16 }

func entryKind(e entry) uint32 { return e >> 8 & 7 }

// litLenEntry and distEntry give a symbol's entry without its length.
func litLenEntry(s int) entry {
	switch {
	case s < 256:
		return mkEntry(kindLiteral, 0, uint32(s))
	case s == endOfBlock:
		return mkEntry(kindEnd, 0, 0)
	case s < 286:
		return mkEntry(kindLength, uint32(lengthExtra[s-257]), uint32(lengthBase[s-257]))
	}
	return invalidEntry // 286 and 287: in the fixed code, never valid
}

func distEntry(s int) entry {
	if s < numDist {
		return mkEntry(kindDist, uint32(distExtra[s]), uint32(distBase[s]))
	}
	return invalidEntry // 30 and 31
}

// decodeTable is one code's primary table and subtables.
type decodeTable struct {
	t     []entry
	pbits uint
	mask  uint64 // 1<<pbits - 1
	// scratch for build
	count   [maxCodeLen + 1]uint16
	next    [maxCodeLen + 1]uint16
	maxLen  []uint8 // longest code under each primary index
	subBase []uint32
}

// errCode says why a set of code lengths is no code.
type errCode string

func (e errCode) Error() string { return string(e) }

// build makes the table of the code with the given lengths, each
// symbol's entry from sym. Like zlib it refuses an over-subscribed code
// and an incomplete one, except a code of one symbol of length 1 (and,
// if empty is allowed, no symbols at all: a block of literals only has
// no distance code).
func (d *decodeTable) build(lens []uint8, pbits uint, sym func(int) entry, empty bool) error {
	d.pbits, d.mask = pbits, 1<<pbits-1
	clear(d.count[:])
	maxLen := 0
	for _, l := range lens {
		d.count[l]++
		maxLen = max(maxLen, int(l))
	}
	d.count[0] = 0
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left = left<<1 - int(d.count[l])
		if left < 0 {
			return errCode("over-subscribed code")
		}
	}
	switch {
	case maxLen == 0 && !empty:
		return errCode("a code without symbols")
	case left > 0 && maxLen > 1:
		return errCode("incomplete code")
	}
	code := uint16(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + d.count[l-1]) << 1
		d.next[l] = code
	}
	d.layout(lens, pbits)
	for s, l := range lens {
		if l == 0 {
			continue
		}
		r := uint32(reverseBits(d.next[l], uint(l)))
		d.next[l]++
		e := sym(s)
		if uint(l) <= pbits {
			for i := r; i < 1<<pbits; i += 1 << l {
				d.t[i] = e | entry(l)
			}
			continue
		}
		p := r & uint32(d.mask)
		sb := uint(d.maxLen[p]) - pbits
		sub := d.t[d.subBase[p] : d.subBase[p]+1<<sb]
		for i := r >> pbits; i < 1<<sb; i += 1 << (uint(l) - pbits) {
			sub[i] = e | entry(uint(l)-pbits)
		}
	}
	return nil
}

// layout sizes the table: for each primary index whose codes are longer
// than pbits, a subtable as wide as its longest code needs, and every
// entry invalid until a code fills it.
func (d *decodeTable) layout(lens []uint8, pbits uint) {
	n := 1 << pbits
	if cap(d.maxLen) < n {
		d.maxLen, d.subBase = make([]uint8, n), make([]uint32, n)
	}
	d.maxLen, d.subBase = d.maxLen[:n], d.subBase[:n]
	clear(d.maxLen)
	next := d.next
	for _, l := range lens {
		if uint(l) > pbits {
			p := reverseBits(next[l], uint(l)) & uint16(d.mask)
			d.maxLen[p] = max(d.maxLen[p], l)
		}
		next[l]++
	}
	size := n
	for p, ml := range d.maxLen {
		if ml != 0 {
			d.subBase[p] = uint32(size)
			size += 1 << (uint(ml) - pbits)
		}
	}
	if cap(d.t) < size {
		d.t = make([]entry, size)
	}
	d.t = d.t[:size]
	for i := range d.t {
		d.t[i] = invalidEntry
	}
	for p, ml := range d.maxLen {
		if ml != 0 {
			d.t[p] = mkEntry(kindSub, uint32(uint(ml)-pbits), d.subBase[p]) | entry(pbits)
		}
	}
}

func reverseBits(c uint16, n uint) uint16 {
	var r uint16
	for i := uint(0); i < n; i++ {
		r = r<<1 | c&1
		c >>= 1
	}
	return r
}
