package fat

import (
	"bytes"
	"encoding/binary"
)

// maxLFN is the longest long name FatFs accepts (FF_MAX_LFN).
const maxLFN = 255

// Status flags of a path segment's short name (FatFs's NSFLAG byte).
const (
	nsLoss   = 0x01 // the name does not fit 8.3: a numbered short name is needed
	nsLFN    = 0x02 // long-name entries are needed
	nsLast   = 0x04 // last segment of the path
	nsBody   = 0x08 // the base name is all lower case (NT flag)
	nsExt    = 0x10 // the extension is all lower case (NT flag)
	nsDot    = 0x20 // a dot entry
	nsNoLFN  = 0x40 // match short names only
	nsNoName = 0x80 // the path names the start directory itself
)

// shortName is a path segment in directory form: the 8.3 name, space
// padded, and its status flags.
type shortName struct {
	name   [11]byte
	status byte
}

// byteAt reads p as a C string: 0 past its end.
func byteAt(p []byte, i int) byte {
	if i < len(p) {
		return p[i]
	}
	return 0
}

func isSeparator(c byte) bool { return c == '/' || c == '\\' }

// createName parses the first segment of path into fs.lfn (the long name)
// and dp.fn (the short name) and returns the rest of the path. It is
// FatFs's create_name: characters are CP850, "*:<>|\"?\x7F" are refused,
// trailing dots and spaces dropped, and the short name is up-cased with
// cp850Upper, marking whether it lost information (nsLoss), needs long
// entries (nsLFN) or can carry lower case as NT flags.
func (dp *dirObj) createName(path []byte) ([]byte, result) {
	lfn := dp.fs.lfn[:]
	i, di := 0, 0
	var wc uint16
	for {
		wc = 0
		if b := byteAt(path, i); b != 0 {
			wc = oemToUnicode(b)
			i++
		}
		if wc < ' ' || wc == '/' || wc == '\\' {
			break
		}
		if wc < 0x80 && bytes.IndexByte([]byte("*:<>|\"?\x7F"), byte(wc)) >= 0 {
			return nil, frInvalidName
		}
		if di >= maxLFN {
			return nil, frInvalidName
		}
		lfn[di] = wc
		di++
	}
	var cf byte
	if wc < ' ' {
		cf = nsLast
	} else {
		for isSeparator(byteAt(path, i)) {
			i++
		}
		if byteAt(path, i) < ' ' {
			cf = nsLast
		}
	}
	rest := path[min(i, len(path)):]

	for di > 0 && (lfn[di-1] == ' ' || lfn[di-1] == '.') {
		di--
	}
	lfn[di] = 0
	if di == 0 {
		return nil, frInvalidName
	}

	si := 0
	for lfn[si] == ' ' {
		si++
	}
	if si > 0 || lfn[si] == '.' {
		cf |= nsLoss | nsLFN
	}
	for di > 0 && lfn[di-1] != '.' { // di: just after the last dot, if any
		di--
	}

	fn := &dp.fn
	for k := range fn.name {
		fn.name[k] = ' '
	}
	var b byte // case seen: bit 0 lower, bit 1 upper; shifted by 2 for the base
	pos, end := 0, 8
	for {
		wc := lfn[si]
		si++
		if wc == 0 {
			break
		}
		if wc == ' ' || (wc == '.' && si != di) {
			cf |= nsLoss | nsLFN // embedded spaces and dots are dropped
			continue
		}
		if pos >= end || si == di {
			if end == 11 { // extension overflow
				cf |= nsLoss | nsLFN
				break
			}
			if si != di { // base name overflow
				cf |= nsLoss | nsLFN
			}
			if si > di { // no extension
				break
			}
			si, pos, end = di, 8, 11
			b <<= 2
			continue
		}
		if wc >= 0x80 {
			cf |= nsLFN
			wc = unicodeToOEM(uint32(wc))
			if wc&0x80 != 0 {
				wc = uint16(cp850Upper[wc&0x7F])
			}
		}
		if wc == 0 || bytes.IndexByte([]byte("+,;=[]"), byte(wc)) >= 0 {
			wc = '_'
			cf |= nsLoss | nsLFN
		} else if wc >= 'A' && wc <= 'Z' {
			b |= 2
		} else if wc >= 'a' && wc <= 'z' {
			b |= 1
			wc -= 0x20
		}
		fn.name[pos] = byte(wc)
		pos++
	}
	if fn.name[0] == deletedMark {
		fn.name[0] = kanjiE5
	}
	if end == 8 {
		b <<= 2
	}
	if b&0x0C == 0x0C || b&0x03 == 0x03 { // mixed case in base or extension
		cf |= nsLFN
	}
	if cf&nsLFN == 0 {
		if b&0x01 != 0 {
			cf |= nsExt
		}
		if b&0x04 != 0 {
			cf |= nsBody
		}
	}
	fn.status = cf
	return rest, frOK
}

// numberedName returns the short name src with a "~N" tail, N being seq
// in hex; from the sixth try on, N is a CRC of the long name mixed with
// seq, as Windows does to avoid long probing.
func numberedName(src [11]byte, lfn []uint16, seq int) [11]byte {
	dst := src
	n := uint32(seq)
	if seq > 5 {
		sreg := n
		for _, wc := range lfn {
			if wc == 0 {
				break
			}
			for range 16 {
				sreg = sreg<<1 + uint32(wc&1)
				wc >>= 1
				if sreg&0x10000 != 0 {
					sreg ^= 0x11021
				}
			}
		}
		n = sreg
	}
	var ns [8]byte
	i := 7
	for {
		c := byte(n%16) + '0'
		n /= 16
		if c > '9' {
			c += 7
		}
		ns[i] = c
		i--
		if i == 0 || n == 0 {
			break
		}
	}
	ns[i] = '~'
	j := 0
	for j < i && dst[j] != ' ' {
		j++
	}
	for {
		if i < 8 {
			dst[j] = ns[i]
			i++
		} else {
			dst[j] = ' '
		}
		j++
		if j >= 8 {
			break
		}
	}
	return dst
}

// shortNameSum is the checksum long-name entries carry of their short name.
func shortNameSum(name []byte) byte {
	var sum byte
	for _, c := range name[:11] {
		sum = sum>>1 + sum<<7 + c
	}
	return sum
}

// lfnOffsets are where a long-name entry keeps its 13 UTF-16 characters.
var lfnOffsets = [13]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}

// lfnPart returns the part number (1-based) of a long-name entry.
func lfnPart(e []byte) int { return int(e[offLFNOrd]&0x3F) - 1 }

// matchLFN compares a long-name entry with its part of lfn, ignoring case.
func matchLFN(lfn []uint16, e []byte) bool {
	if binary.LittleEndian.Uint16(e[offClustLo:]) != 0 {
		return false
	}
	i := lfnPart(e) * 13
	wc := uint16(1)
	for _, o := range lfnOffsets {
		uc := binary.LittleEndian.Uint16(e[o:])
		if wc != 0 {
			if i < 0 || i >= maxLFN+1 || toUpper(uint32(uc)) != toUpper(uint32(lfn[i])) {
				return false
			}
			i++
			wc = uc
		} else if uc != 0xFFFF {
			return false
		}
	}
	if e[offLFNOrd]&lastLFN != 0 && wc != 0 && i < len(lfn) && lfn[i] != 0 {
		return false
	}
	return true
}

// pickLFN copies a long-name entry's part into lfn.
func pickLFN(lfn []uint16, e []byte) bool {
	if binary.LittleEndian.Uint16(e[offClustLo:]) != 0 {
		return false
	}
	i := int(e[offLFNOrd]&^lastLFN-1) * 13
	wc := uint16(1)
	for _, o := range lfnOffsets {
		uc := binary.LittleEndian.Uint16(e[o:])
		if wc != 0 {
			if i < 0 || i >= maxLFN+1 {
				return false
			}
			lfn[i] = uc
			wc = uc
			i++
		} else if uc != 0xFFFF {
			return false
		}
	}
	if e[offLFNOrd]&lastLFN != 0 && wc != 0 {
		if i >= maxLFN+1 {
			return false
		}
		lfn[i] = 0
	}
	return true
}

// putLFN fills long-name entry number ord (1-based) of lfn.
func putLFN(lfn []uint16, e []byte, ord, sum byte) {
	e[offLFNSum] = sum
	e[offLFNAttr] = attrLFN
	e[offLFNType] = 0
	binary.LittleEndian.PutUint16(e[offClustLo:], 0)
	i := int(ord-1) * 13
	var wc uint16
	for _, o := range lfnOffsets {
		if wc != 0xFFFF {
			wc = lfn[i]
			i++
		}
		binary.LittleEndian.PutUint16(e[o:], wc)
		if wc == 0 {
			wc = 0xFFFF
		}
	}
	if wc == 0xFFFF || lfn[i] == 0 {
		ord |= lastLFN
	}
	e[offLFNOrd] = ord
}
