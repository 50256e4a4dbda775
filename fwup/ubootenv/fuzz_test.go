package ubootenv

import (
	"encoding/binary"
	"hash/crc32"
	"slices"
	"strings"
	"testing"
)

// FuzzDecode: no environment block, however damaged, makes the reader
// panic; one that reads encodes back to a block that reads the same
// variables (the reader and writer agree).
func FuzzDecode(f *testing.F) {
	good := &Env{BlockCount: 1}
	good.Set("a", "1")
	good.Set("nerves_fw_active", "b")
	b, err := good.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(make([]byte, BlockSize))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := min(max(1, (len(data)+BlockSize-1)/BlockSize), 16)
		block := make([]byte, n*BlockSize)
		copy(block, data)
		e := &Env{BlockCount: n}
		// Most inputs would fail the CRC; make it right for the odd
		// ones, so the fuzzer reaches the variables.
		if len(data) > 0 && data[0]&1 == 1 {
			binary.LittleEndian.PutUint32(block, crc32.ChecksumIEEE(block[e.dataOffset():]))
		}
		if e.Decode(block) != nil {
			return
		}
		again, err := e.Encode()
		if err != nil {
			return // more variables than the block holds once rewritten
		}
		back := &Env{BlockCount: n}
		if err := back.Decode(again); err != nil {
			t.Fatalf("a re-encoded environment does not read: %v", err)
		}
		// Duplicate names come back in the other order, as with fwup
		// (its list is newest first, and it writes the list in order).
		sorted := func(v []Var) []Var {
			return slices.SortedFunc(slices.Values(v), func(a, b Var) int {
				return strings.Compare(a.Name+"\x00"+a.Value, b.Name+"\x00"+b.Value)
			})
		}
		if !slices.Equal(sorted(e.Vars()), sorted(back.Vars())) {
			t.Fatalf("variables %q read back as %q", e.Vars(), back.Vars())
		}
	})
}
