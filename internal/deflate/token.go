package deflate

// A token is one literal or one match of a parse, packed in 32 bits so a
// chunk's parse is one flat slice: a literal is its byte; a match sets
// matchFlag and holds length-3 in bits 15..22 and distance-1 in bits 0..14.
type token uint32

const matchFlag token = 1 << 31

func literalToken(b byte) token { return token(b) }

func matchToken(length, dist int) token {
	return matchFlag | token(length-minMatch)<<15 | token(dist-1)
}

func (t token) isMatch() bool { return t&matchFlag != 0 }
func (t token) length() int   { return int(t>>15&0xff) + minMatch }
func (t token) dist() int     { return int(t&0x7fff) + 1 }

// litLenSym returns the literal/length symbol of t.
func (t token) litLenSym() int {
	if t&matchFlag == 0 {
		return int(t)
	}
	return 257 + int(lengthCode[t>>15&0xff])
}

// distSym returns the distance symbol of a match token.
func (t token) distSym() int {
	d := int(t & 0x7fff)
	if d < 256 {
		return int(distCodeLow[d])
	}
	return int(distCodeHigh[d>>7])
}
