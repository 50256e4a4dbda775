package deflate

import (
	"bytes"
	"testing"
)

// TestStoreBias: data that coding shrinks by about 0.1% (random bytes
// with zero a little more frequent) is one stored block at level 9,
// whose bias stores what saves under 0.2%, and coded at level 12, which
// keeps every byte it saves.
func TestStoreBias(t *testing.T) {
	r := newRand(7)
	data := make([]byte, 60000)
	for i := range data {
		if r.Uint32()%256 < 4 {
			data[i] = 0
		} else {
			data[i] = byte(r.Uint32())
		}
	}
	for _, c := range []struct {
		level  int
		stored bool
	}{{9, true}, {12, false}} {
		comp := compressWith(t, c.level, nil, data, 1<<30, 0)
		if !bytes.Equal(inflate(t, comp, nil), data) {
			t.Fatalf("level %d: round trip differs", c.level)
		}
		// One final stored block: its 3 header bits padded to a byte,
		// then LEN and NLEN.
		isStored := len(comp) == len(data)+5 && comp[0] == 1
		if isStored != c.stored || !c.stored && len(comp) >= len(data) {
			t.Errorf("level %d: %d bytes from %d (stored %v), want stored %v", c.level, len(comp), len(data), isStored, c.stored)
		}
	}
}
