package cstr

import (
	"math"
	"testing"
)

func TestStrtoull(t *testing.T) {
	for _, tc := range []struct {
		in       string
		v        uint64
		rest     string
		overflow bool
	}{
		{"", 0, "", false},
		{"12", 12, "", false},
		{" \t+12x", 12, "x", false},
		{"0x1F", 31, "", false},
		{"0X1f", 31, "", false},
		{"0x", 0, "x", false},
		{"0xg", 0, "xg", false},
		{"010", 8, "", false},
		{"08", 0, "8", false},
		{"0", 0, "", false},
		{"-1", math.MaxUint64, "", false},
		{"-0x10", math.MaxUint64 - 15, "", false},
		{"  ", 0, "  ", false},
		{"-", 0, "-", false},
		{"abc", 0, "abc", false},
		{"18446744073709551615", math.MaxUint64, "", false},
		{"18446744073709551616", math.MaxUint64, "", true},
		{"-99999999999999999999z", math.MaxUint64, "z", true},
	} {
		v, rest, overflow := Strtoull(tc.in)
		if v != tc.v || rest != tc.rest || overflow != tc.overflow {
			t.Errorf("Strtoull(%q) = %d, %q, %v; want %d, %q, %v", tc.in, v, rest, overflow, tc.v, tc.rest, tc.overflow)
		}
	}
	for in, want := range map[string]int{"4294967297": 1, "-1": -1, "abc": 0, "0x10": 16, "2147483648": math.MinInt32} {
		if got := TitleInt(in); got != want {
			t.Errorf("TitleInt(%q) = %d, want %d", in, got, want)
		}
	}
}
