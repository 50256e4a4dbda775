package vcdiff

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestVarintRoundTrip(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, 1 << 32, maxVarint} {
		b := appendVarint(nil, v)
		if len(b) != varintLen(v) {
			t.Errorf("%d: %d bytes, varintLen says %d", v, len(b), varintLen(v))
		}
		got, err := readVarint(bytes.NewReader(b))
		if err != nil || got != v {
			t.Errorf("%d: read back %d, %v", v, got, err)
		}
		s := section{b: b}
		if got, err := s.varint(); err != nil || got != v {
			t.Errorf("%d: section read back %d, %v", v, got, err)
		}
	}
	// RFC 3284's own example: 123456789 is 0xBA 0xEF 0x9A 0x15.
	if b := appendVarint(nil, 123456789); !bytes.Equal(b, []byte{0xba, 0xef, 0x9a, 0x15}) {
		t.Errorf("123456789 encodes as % x", b)
	}
	over := bytes.Repeat([]byte{0xff}, 10)
	if _, err := readVarint(bytes.NewReader(over)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("64-bit overflow: %v", err)
	}
}

// The opcode numbers the encoder writes must name the entries the decoder
// reads.
func TestCodeTableLayout(t *testing.T) {
	want := map[int]opcode{
		codeRun:                      {half{opRun, 0, 0}, half{}},
		codeAdd0:                     {half{opAdd, 0, 0}, half{}},
		codeAdd0 + 17:                {half{opAdd, 17, 0}, half{}},
		codeCopy0 + 16*8:             {half{opCopy, 0, 8}, half{}},
		codeCopy0 + 16*3 + 18 - 3:    {half{opCopy, 18, 3}, half{}},
		codeAddCopy:                  {half{opAdd, 1, 0}, half{opCopy, 4, 0}},
		codeAddCopy + 12*5 + 3*3 + 2: {half{opAdd, 4, 0}, half{opCopy, 6, 5}},
		codeAddCopySam:               {half{opAdd, 1, 0}, half{opCopy, 4, 6}},
		codeAddCopySam + 4*2 + 3:     {half{opAdd, 4, 0}, half{opCopy, 4, 8}},
		codeCopyAdd:                  {half{opCopy, 4, 0}, half{opAdd, 1, 0}},
		codeCopyAdd + 8:              {half{opCopy, 4, 8}, half{opAdd, 1, 0}},
	}
	for code, op := range want {
		if defaultTable[code] != op {
			t.Errorf("opcode %d is %+v, want %+v", code, defaultTable[code], op)
		}
	}
}

// Whatever mode the encoder's cache picks, the decoder's cache, fed the
// same history, must read back the address.
func TestAddressCacheRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var enc, dec addrCache
	var modes [copyModes]int
	var buf []byte
	var want []uint64
	var heres []uint64
	var ms []uint8
	here := uint64(1000)
	for range 20000 {
		here += uint64(1 + r.IntN(50))
		var addr uint64
		switch r.IntN(3) {
		case 0:
			addr = uint64(r.Int64N(int64(here)))
		case 1:
			addr = want[max(0, len(want)-1-r.IntN(5))%max(1, len(want))] + uint64(r.IntN(300))
		default:
			addr = here - 1 - uint64(r.IntN(100))
		}
		addr = min(addr, here-1)
		m, v := enc.encode(addr, here)
		modes[m]++
		if m >= 2+nearSlots {
			buf = append(buf, byte(v))
		} else {
			buf = appendVarint(buf, v)
		}
		want, heres, ms = append(want, addr), append(heres, here), append(ms, m)
	}
	s := section{b: buf}
	for i, a := range want {
		got, err := dec.decode(heres[i], ms[i], &s)
		if err != nil || got != a {
			t.Fatalf("copy %d: decoded %d (%v), want %d", i, got, err, a)
		}
	}
	for m, n := range modes {
		if n == 0 {
			t.Errorf("mode %d never chosen", m)
		}
	}
}
