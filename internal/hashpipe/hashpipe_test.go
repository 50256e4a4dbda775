package hashpipe

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/blake2b"
)

// TestPipeSumsAsInLine writes streams of many sizes in pieces of many
// sizes: the sum is the in-line hash of the same bytes.
func TestPipeSumsAsInLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, batch - 1, batch, batch + 1, 3*batch + 77, 10 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		h, _ := blake2b.New256(nil)
		p := New(h)
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(2*batch))
			piece := bytes.Clone(rest[:n])
			p.Write(piece)
			clear(piece) // the pipe has its own copy
			rest = rest[n:]
		}
		want := blake2b.Sum256(data)
		if got := p.Sum(); !bytes.Equal(got, want[:]) {
			t.Errorf("%d bytes: sum %x, want %x", size, got, want)
		}
		if got := p.Sum(); !bytes.Equal(got, want[:]) {
			t.Errorf("%d bytes: second Sum %x differs", size, got)
		}
		p.Close()
	}
}

// TestPipeClose stops a pipe given up half way.
func TestPipeClose(t *testing.T) {
	h, _ := blake2b.New256(nil)
	p := New(h)
	p.Write(make([]byte, 5*batch+3))
	p.Close()
	p.Close()
	if got := p.Sum(); len(got) != 0 {
		t.Errorf("Sum after Close = %x, want none", got)
	}
}

func BenchmarkPipe(b *testing.B) {
	piece := make([]byte, 16<<10)
	b.SetBytes(64 << 20)
	for b.Loop() {
		h, _ := blake2b.New256(nil)
		p := New(h)
		for range (64 << 20) / len(piece) {
			p.Write(piece)
		}
		p.Sum()
	}
}
