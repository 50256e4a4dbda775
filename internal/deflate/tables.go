package deflate

// Limits of the format (RFC 1951, 3.2.5 and 3.2.7).
const (
	minMatch   = 3
	maxMatch   = 258
	windowSize = 1 << 15 // the largest distance a match may have
	windowMask = windowSize - 1

	endOfBlock = 256
	numLitLen  = 286 // literal/length symbols that may appear in a block
	numDist    = 30  // distance symbols that may appear in a block
	numCodeLen = 19  // code length code symbols
	maxCodeLen = 15  // longest literal/length or distance code
	maxCLLen   = 7   // longest code length code

	maxStored = 65535 // bytes in one stored block
)

// lengthBase and lengthExtra describe length symbols 257..285.
var lengthBase = [29]uint16{
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
}

var lengthExtra = [29]uint8{
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
}

// distBase and distExtra describe distance symbols 0..29.
var distBase = [30]uint16{
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
}

var distExtra = [30]uint8{
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
}

// codeLenOrder is the order in which a dynamic block header sends the
// code length code's lengths (RFC 1951, 3.2.7).
var codeLenOrder = [numCodeLen]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// lengthCode maps length-3 to its length symbol less 257. Length 258 has
// its own symbol (285) although 284's extra bits could also reach it:
// decoders such as zlib's reject 284 with 31 extra.
var lengthCode [256]uint8

// distCodeLow maps distance-1 below 256 to its symbol; distCodeHigh maps
// (distance-1)>>7 for the rest, since every symbol from 16 on spans whole
// multiples of 128.
var distCodeLow, distCodeHigh [256]uint8

func init() {
	for c := 0; c < 28; c++ {
		for l := int(lengthBase[c]); l < int(lengthBase[c])+1<<lengthExtra[c] && l < maxMatch; l++ {
			lengthCode[l-minMatch] = uint8(c)
		}
	}
	lengthCode[maxMatch-minMatch] = 28
	for c := 0; c < numDist; c++ {
		for d := int(distBase[c]) - 1; d < int(distBase[c])-1+1<<distExtra[c]; d++ {
			if d < 256 {
				distCodeLow[d] = uint8(c)
			} else {
				distCodeHigh[d>>7] = uint8(c)
			}
		}
	}
}

// fixedLitLen returns the length of symbol s in the fixed code (RFC 1951,
// 3.2.6); every fixed distance code is 5 bits.
func fixedLitLen(s int) uint8 {
	switch {
	case s < 144:
		return 8
	case s < 256:
		return 9
	case s < 280:
		return 7
	}
	return 8
}
