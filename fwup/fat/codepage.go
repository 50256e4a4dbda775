package fat

// fwup builds FatFs with FF_LFN_UNICODE=0 and FF_CODE_PAGE=850: every byte
// of a path is a CP850 character, whatever encoding the config used. A
// UTF-8 "é" is therefore two characters, "├®", in the long name, and its
// two bytes, up-cased by cp850Upper, in the short name. These helpers
// convert as FatFs's ff_oem2uni, ff_uni2oem and ff_wtoupper do.

// oemToUnicode returns the Unicode character of a CP850 byte.
func oemToUnicode(b byte) uint16 {
	if b < 0x80 {
		return uint16(b)
	}
	return cp850ToUnicode[b-0x80]
}

// unicodeToOEM returns the CP850 byte of a Unicode character, or 0 when
// CP850 has none.
func unicodeToOEM(u uint32) uint16 {
	if u < 0x80 {
		return uint16(u)
	}
	if u < 0x10000 {
		for i, c := range cp850ToUnicode {
			if uint32(c) == u {
				return uint16(0x80 + i)
			}
		}
	}
	return 0
}

// toUpper up-cases a Unicode character with FatFs's own table, which is
// what its long-name comparisons and volume labels use (it differs from
// package unicode for a few characters).
func toUpper(u uint32) uint32 {
	if u >= 0x10000 {
		return u
	}
	c := uint16(u)
	table := upcaseLow
	if c >= 0x1000 {
		table = upcaseHigh
	}
	for i := 0; i+1 < len(table); {
		base := table[i]
		if base == 0 || c < base {
			break
		}
		cmd, n := table[i+1]>>8, table[i+1]&0xFF
		i += 2
		if c < base+n {
			switch cmd {
			case 0: // table conversion
				if i+int(c-base) < len(table) {
					c = table[i+int(c-base)]
				}
			case 1: // case pairs
				c -= (c - base) & 1
			case 2:
				c -= 16
			case 3:
				c -= 32
			case 4:
				c -= 48
			case 5:
				c -= 26
			case 6:
				c += 8
			case 7:
				c -= 80
			case 8:
				c -= 0x1C60
			}
			break
		}
		if cmd == 0 {
			i += int(n)
		}
	}
	return uint32(c)
}
