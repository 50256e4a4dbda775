package deflate

// dynHeader is the header of a dynamic block: the literal/length and
// distance code lengths, run-length coded (RFC 1951, 3.2.7) and sent with
// a code length code of their own.
type dynHeader struct {
	hlit, hdist, hclen int
	// syms and extra are the run-length coded lengths: symbol 0..18 and
	// the value of its extra bits (for 16, 17 and 18).
	syms  [numLitLen + numDist]uint8
	extra [numLitLen + numDist]uint8
	nsyms int
	all   [numLitLen + numDist]uint8 // lit/len then distance lengths
	freq  [numCodeLen]uint32
	lens  [numCodeLen]uint8
	codes [numCodeLen]uint16
}

// build run-length codes the two codes' lengths, builds the code length
// code and returns the header's size in bits, the 3 bits of block header
// included.
func (h *dynHeader) build(hb *huffBuilder, litLens, distLens []uint8) int {
	h.hlit = 257
	for i := numLitLen; i > 257; i-- {
		if litLens[i-1] != 0 {
			h.hlit = i
			break
		}
	}
	h.hdist = 1
	for i := numDist; i > 1; i-- {
		if distLens[i-1] != 0 {
			h.hdist = i
			break
		}
	}
	n := copy(h.all[:], litLens[:h.hlit])
	n += copy(h.all[n:], distLens[:h.hdist])
	h.runLength(h.all[:n])
	hb.lengths(h.freq[:], h.lens[:], maxCLLen)
	h.hclen = numCodeLen
	for h.hclen > 4 && h.lens[codeLenOrder[h.hclen-1]] == 0 {
		h.hclen--
	}
	bits := 3 + 5 + 5 + 4 + 3*h.hclen
	for s, f := range h.freq {
		bits += int(f) * int(h.lens[s])
	}
	return bits + 2*int(h.freq[16]) + 3*int(h.freq[17]) + 7*int(h.freq[18])
}

// runLength codes lens as one sequence, which RFC 1951 allows runs to
// cross from the literal/length lengths into the distance lengths: zeros
// in runs of 3..10 (17) and 11..138 (18), other lengths once and then in
// repeats of 3..6 (16).
func (h *dynHeader) runLength(lens []uint8) {
	clear(h.freq[:])
	h.nsyms = 0
	for i := 0; i < len(lens); {
		v := lens[i]
		run := 1
		for i+run < len(lens) && lens[i+run] == v {
			run++
		}
		i += run
		if v == 0 {
			for run >= 11 {
				r := min(run, 138)
				h.emit(18, r-11)
				run -= r
			}
			if run >= 3 {
				h.emit(17, run-3)
				run = 0
			}
		} else {
			h.emit(v, 0)
			run--
			for run >= 3 {
				r := min(run, 6)
				h.emit(16, r-3)
				run -= r
			}
		}
		for ; run > 0; run-- {
			h.emit(v, 0)
		}
	}
}

func (h *dynHeader) emit(sym uint8, extra int) {
	h.syms[h.nsyms] = sym
	h.extra[h.nsyms] = uint8(extra)
	h.nsyms++
	h.freq[sym]++
}

// write sends the header after the block type bits.
func (h *dynHeader) write(bw *bitWriter) {
	assignCodes(h.lens[:], h.codes[:])
	bw.writeBits(uint64(h.hlit-257), 5)
	bw.writeBits(uint64(h.hdist-1), 5)
	bw.writeBits(uint64(h.hclen-4), 4)
	for i := 0; i < h.hclen; i++ {
		bw.writeBits(uint64(h.lens[codeLenOrder[i]]), 3)
	}
	for i := 0; i < h.nsyms; i++ {
		s := h.syms[i]
		bw.writeBits(uint64(h.codes[s]), uint(h.lens[s]))
		switch s {
		case 16:
			bw.writeBits(uint64(h.extra[i]), 2)
		case 17:
			bw.writeBits(uint64(h.extra[i]), 3)
		case 18:
			bw.writeBits(uint64(h.extra[i]), 7)
		}
	}
}
