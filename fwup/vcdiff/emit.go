package vcdiff

import "github.com/firmwright/firmwright/internal/adler32"

// windowWriter serializes one window's instructions into the three
// sections, choosing each copy's address mode and pairing instructions
// into the code table's double opcodes where one fits.
type windowWriter struct {
	data, inst, addr []byte
	cache            addrCache
	t                []byte
	segPos, segLen   int64
}

// vcdAddr is a copy's address in the window's address space: the source
// segment, then the target window.
func (w *windowWriter) vcdAddr(in inst) uint64 {
	if in.src {
		return uint64(in.addr - w.segPos)
	}
	return uint64(w.segLen + in.addr)
}

func (w *windowWriter) mode(in inst) (uint8, uint64) {
	return w.cache.encode(w.vcdAddr(in), uint64(w.segLen)+uint64(in.pos))
}

func (w *windowWriter) putAddr(mode uint8, val uint64) {
	if mode >= 2+nearSlots {
		w.addr = append(w.addr, byte(val))
	} else {
		w.addr = appendVarint(w.addr, val)
	}
}

func (w *windowWriter) putAdd(n int) {
	if n <= 17 {
		w.inst = append(w.inst, byte(codeAdd0+n))
	} else {
		w.inst = appendVarint(append(w.inst, codeAdd0), uint64(n))
	}
}

func (w *windowWriter) putCopy(n int, mode uint8, val uint64) {
	base := codeCopy0 + 16*int(mode)
	if n >= minCopy && n <= 18 {
		w.inst = append(w.inst, byte(base+n-3))
	} else {
		w.inst = appendVarint(append(w.inst, byte(base)), uint64(n))
	}
	w.putAddr(mode, val)
}

// addCopyCode is the double opcode for ADD add + COPY cp in mode, if the
// default table has one.
func addCopyCode(add, cp int, mode uint8) (byte, bool) {
	switch {
	case add < 1 || add > 4 || cp < minCopy:
	case mode < 2+nearSlots && cp <= 6:
		return byte(codeAddCopy + 12*int(mode) + 3*(add-1) + cp - 4), true
	case mode >= 2+nearSlots && cp == 4:
		return byte(codeAddCopySam + 4*int(mode-2-nearSlots) + add - 1), true
	}
	return 0, false
}

// write fills the sections from ins.
func (w *windowWriter) write(ins []inst) {
	w.data, w.inst, w.addr = w.data[:0], w.inst[:0], w.addr[:0]
	w.cache.reset()
	for i := 0; i < len(ins); i++ {
		in := ins[i]
		var next *inst
		if i+1 < len(ins) {
			next = &ins[i+1]
		}
		switch in.kind {
		case opRun:
			w.inst = appendVarint(append(w.inst, codeRun), uint64(in.n))
			w.data = append(w.data, w.t[in.pos])
		case opAdd:
			w.data = append(w.data, w.t[in.pos:in.pos+in.n]...)
			if next != nil && next.kind == opCopy && in.n <= 4 {
				// The copy's mode must be chosen now, once: the cache
				// moves with every address chosen.
				mode, val := w.mode(*next)
				if code, ok := addCopyCode(in.n, next.n, mode); ok {
					w.inst = append(w.inst, code)
					w.putAddr(mode, val)
				} else {
					w.putAdd(in.n)
					w.putCopy(next.n, mode, val)
				}
				i++
				continue
			}
			w.putAdd(in.n)
		default:
			mode, val := w.mode(in)
			if in.n == minCopy && next != nil && next.kind == opAdd && next.n == 1 {
				w.inst = append(w.inst, byte(codeCopyAdd+int(mode)))
				w.putAddr(mode, val)
				w.data = append(w.data, w.t[next.pos])
				i++
				continue
			}
			w.putCopy(in.n, mode, val)
		}
	}
}

// appendHeader appends what comes before the sections: indicator,
// segment, lengths and checksum.
func (w *windowWriter) appendHeader(b []byte, checksum bool) []byte {
	ind := byte(0)
	if w.segLen > 0 {
		ind |= winSource
	}
	if checksum {
		ind |= winAdler32
	}
	b = append(b, ind)
	if w.segLen > 0 {
		b = appendVarint(appendVarint(b, uint64(w.segLen)), uint64(w.segPos))
	}
	d, i, a := len(w.data), len(w.inst), len(w.addr)
	enc := varintLen(uint64(len(w.t))) + 1 + varintLen(uint64(d)) + varintLen(uint64(i)) + varintLen(uint64(a)) + d + i + a
	if checksum {
		enc += 4
	}
	b = appendVarint(b, uint64(enc))
	b = appendVarint(b, uint64(len(w.t)))
	b = append(b, 0)
	b = appendVarint(appendVarint(appendVarint(b, uint64(d)), uint64(i)), uint64(a))
	if checksum {
		s := adler32.Checksum(w.t)
		b = append(b, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
	}
	return b
}
