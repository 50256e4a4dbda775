package gpt

import "github.com/firmwright/firmwright/internal/cstr"

// parseGUID converts a GUID written as text (8-4-4-4-12 hex digits) to
// GPT's on-disk form, where the first three fields are little-endian. Like
// fwup it ignores anything after the 36th character.
func parseGUID(s string) (g [16]byte, ok bool) {
	if len(s) < 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, false
	}
	// Where each byte of the text goes, in text order.
	dest := [16]int{3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15}
	pos := [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}
	for i, p := range pos {
		hi, lo := cstr.DigitValue(s[p]), cstr.DigitValue(s[p+1])
		if hi > 15 || lo > 15 {
			return g, false
		}
		g[dest[i]] = byte(hi<<4 | lo)
	}
	return g, true
}
