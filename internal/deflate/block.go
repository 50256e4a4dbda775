package deflate

// blockEncoder turns one block's tokens into bits: it counts symbols,
// builds the dynamic code, prices the block as dynamic, fixed and stored,
// and writes the cheapest. Its tables live here so a block costs no
// allocation.
type blockEncoder struct {
	hb        *huffBuilder
	storeBias uint8 // see levelParams

	litFreq  [numLitLen]uint32
	distFreq [numDist]uint32
	litLens  [numLitLen]uint8
	distLens [numDist]uint8
	litCodes [numLitLen]uint16
	dstCodes [numDist]uint16

	hdr dynHeader

	fixedLitCodes  [288]uint16
	fixedLitLens   [288]uint8
	fixedDistCodes [numDist]uint16
	fixedDistLens  [numDist]uint8
}

func newBlockEncoder(storeBias uint8) *blockEncoder {
	e := &blockEncoder{hb: newHuffBuilder(), storeBias: storeBias}
	for s := range e.fixedLitLens {
		e.fixedLitLens[s] = fixedLitLen(s)
	}
	assignCodes(e.fixedLitLens[:], e.fixedLitCodes[:])
	for s := range e.fixedDistLens {
		e.fixedDistLens[s] = 5
	}
	assignCodes(e.fixedDistLens[:], e.fixedDistCodes[:])
	return e
}

// countTokens sets the frequencies of tokens' symbols, with one end of
// block.
func (e *blockEncoder) countTokens(tokens []token) {
	clear(e.litFreq[:])
	clear(e.distFreq[:])
	for _, t := range tokens {
		e.litFreq[t.litLenSym()]++
		if t.isMatch() {
			e.distFreq[t.distSym()]++
		}
	}
	e.litFreq[endOfBlock] = 1
}

// extraBits is what the length and distance extra bits cost, the same in
// a dynamic and a fixed block.
func (e *blockEncoder) extraBits() int {
	n := 0
	for c := 0; c < 29; c++ {
		n += int(e.litFreq[257+c]) * int(lengthExtra[c])
	}
	for c := 0; c < numDist; c++ {
		n += int(e.distFreq[c]) * int(distExtra[c])
	}
	return n
}

// fixedBits prices the counted symbols in a fixed block, header included.
func (e *blockEncoder) fixedBits() int {
	n := 3
	for s, f := range e.litFreq {
		n += int(f) * int(e.fixedLitLens[s])
	}
	for _, f := range e.distFreq {
		n += int(f) * 5
	}
	return n + e.extraBits()
}

// storedBits prices raw as stored blocks when the writer is at bit offset
// pos within a byte.
func storedBits(raw int, pos uint) int {
	n := 0
	for {
		c := min(raw, maxStored)
		n += int((pos+3+7)&^7-pos) + 32 + 8*c
		pos = 0
		raw -= c
		if raw == 0 {
			return n
		}
	}
}

// buildDynamic makes the dynamic code for the counted symbols and returns
// the block's size in bits with it, header included.
func (e *blockEncoder) buildDynamic() int {
	e.hb.lengths(e.litFreq[:], e.litLens[:], maxCodeLen)
	e.hb.lengths(e.distFreq[:], e.distLens[:], maxCodeLen)
	n := e.hdr.build(e.hb, e.litLens[:], e.distLens[:])
	for s, f := range e.litFreq {
		n += int(f) * int(e.litLens[s])
	}
	for s, f := range e.distFreq {
		n += int(f) * int(e.distLens[s])
	}
	return n + e.extraBits()
}

// writeBlock writes tokens, which encode raw, as the cheapest of a
// dynamic, a fixed and a stored block, stored winning by e.storeBias.
func (e *blockEncoder) writeBlock(bw *bitWriter, tokens []token, raw []byte, final bool) {
	e.countTokens(tokens)
	dyn := e.buildDynamic()
	fixed := e.fixedBits()
	stored := storedBits(len(raw), bw.n)
	coded := min(dyn, fixed)
	if e.storeBias > 0 {
		coded += coded >> e.storeBias
	}
	switch {
	case stored <= coded:
		writeStored(bw, raw, final)
	case fixed <= dyn:
		writeFinalBit(bw, final)
		bw.writeBits(1, 2)
		e.writeTokens(bw, tokens, e.fixedLitCodes[:], e.fixedLitLens[:], e.fixedDistCodes[:], e.fixedDistLens[:])
	default:
		writeFinalBit(bw, final)
		bw.writeBits(2, 2)
		assignCodes(e.litLens[:], e.litCodes[:])
		assignCodes(e.distLens[:], e.dstCodes[:])
		e.hdr.write(bw)
		e.writeTokens(bw, tokens, e.litCodes[:], e.litLens[:], e.dstCodes[:], e.distLens[:])
	}
	bw.flushBytes()
}

func writeFinalBit(bw *bitWriter, final bool) {
	if final {
		bw.writeBits(1, 1)
	} else {
		bw.writeBits(0, 1)
	}
}

// writeTokens sends tokens and the end of block with the given codes.
func (e *blockEncoder) writeTokens(bw *bitWriter, tokens []token, lc []uint16, ll []uint8, dc []uint16, dl []uint8) {
	for _, t := range tokens {
		if !t.isMatch() {
			bw.writeBits(uint64(lc[t]), uint(ll[t]))
			continue
		}
		l := t.length()
		c := lengthCode[l-minMatch]
		s := 257 + int(c)
		bw.writeBits(uint64(lc[s])|uint64(l-int(lengthBase[c]))<<ll[s], uint(ll[s])+uint(lengthExtra[c]))
		d := t.dist()
		ds := t.distSym()
		bw.writeBits(uint64(dc[ds])|uint64(d-int(distBase[ds]))<<dl[ds], uint(dl[ds])+uint(distExtra[ds]))
	}
	bw.writeBits(uint64(lc[endOfBlock]), uint(ll[endOfBlock]))
}

// writeStored writes raw as stored blocks of at most 65535 bytes; an empty
// raw still makes one (empty) block.
func writeStored(bw *bitWriter, raw []byte, final bool) {
	for {
		c := min(len(raw), maxStored)
		writeFinalBit(bw, final && c == len(raw))
		bw.writeBits(0, 2)
		bw.align()
		bw.writeBits(uint64(c)|uint64(^uint16(c))<<16, 32)
		bw.flushBytes()
		bw.out = append(bw.out, raw[:c]...)
		raw = raw[c:]
		if len(raw) == 0 {
			return
		}
	}
}

// writeEmptyFinal ends a stream that has no more data: a fixed block
// holding only the end of block code, 10 bits, as zlib ends one.
func (e *blockEncoder) writeEmptyFinal(bw *bitWriter) {
	bw.writeBits(1, 1)
	bw.writeBits(1, 2)
	bw.writeBits(uint64(e.fixedLitCodes[endOfBlock]), uint(e.fixedLitLens[endOfBlock]))
	bw.flushBytes()
}

// writeSyncMarker is a sync flush: an empty stored block, which leaves the
// output byte-aligned and ends with 00 00 ff ff.
func writeSyncMarker(bw *bitWriter) {
	writeStored(bw, nil, false)
}
