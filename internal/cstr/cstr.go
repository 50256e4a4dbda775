package cstr

import (
	"math"
	"math/bits"
	"strings"
)

// Strtoull returns what strtoull(s, &end, 0) returns, the text left at
// end, and whether the value overflowed (errno ERANGE). Leading white
// space and one sign are skipped; "0x" selects hex, a leading "0" octal. A
// minus sign negates the value modulo 2^64. Without any digit the value is
// 0 and rest is all of s.
func Strtoull(s string) (v uint64, rest string, overflow bool) {
	i := 0
	for i < len(s) && IsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i < len(s) && s[i] == '0' {
		base = 8
		if i+2 < len(s) && s[i+1]|0x20 == 'x' && DigitValue(s[i+2]) < 16 {
			base = 16
			i += 2
		}
	}
	start := i
	for ; i < len(s); i++ {
		d := DigitValue(s[i])
		if d >= base {
			break
		}
		hi, lo := bits.Mul64(v, base)
		sum, carry := bits.Add64(lo, d, 0)
		if hi != 0 || carry != 0 {
			overflow = true
		}
		v = sum
	}
	if i == start {
		return 0, s, false
	}
	if overflow {
		return math.MaxUint64, s[i:], true
	}
	if neg {
		v = -v
	}
	return v, s[i:], false
}

// TitleInt is C's `int n = strtoul(title, NULL, 0)`: the value truncated
// to 32 bits and read as signed.
func TitleInt(title string) int {
	v, _, _ := Strtoull(title)
	return int(int32(uint32(v)))
}

// IsSpace reports whether C's isspace accepts c.
func IsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// DigitValue is the value of c as a digit in bases up to 36 (36 or more if not a digit).
func DigitValue(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c >= 'a' && c <= 'z':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return uint64(c-'A') + 10
	}
	return 99
}

// String cuts s at its first NUL, as C sees a string.
func String(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
