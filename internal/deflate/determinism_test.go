package deflate

import (
	"bytes"
	"runtime"
	"testing"
)

// TestDeterministic: the same input gives the same bytes from a new
// Writer, a Reset one, a Compressor, with input written whole or in odd
// pieces, under any GOMAXPROCS.
func TestDeterministic(t *testing.T) {
	data := append(binaryLike(newRand(7), 300000), textLike(newRand(8), 100000)...)
	for _, level := range []int{1, 6, 9, 10, 12} {
		want := compressWith(t, level, nil, data, 1<<30, 0)
		if got := compressWith(t, level, nil, data, 1000, 0); !bytes.Equal(got, want) {
			t.Errorf("level %d: output depends on how Write is called", level)
		}
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		if got := compressWith(t, level, nil, data, 1<<30, 0); !bytes.Equal(got, want) {
			t.Errorf("level %d: output depends on GOMAXPROCS", level)
		}
		runtime.GOMAXPROCS(4)
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, level)
		w.Write(textLike(newRand(9), 50000)) // history that Reset must forget
		w.Close()
		buf.Reset()
		w.Reset(&buf)
		w.Write(data)
		w.Close()
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("level %d: a Reset Writer differs from a new one", level)
		}
		c, _ := NewCompressor(level)
		c.AppendDeflate(nil, data[:5000])
		if got := c.AppendDeflate(nil, data); !bytes.Equal(got, want) {
			t.Errorf("level %d: Compressor differs from Writer", level)
		}
	}
}

// TestAllocs: compressing a SquashFS block or a small one with a reused
// Compressor, or a stream with a Reset Writer, allocates nothing once
// warm.
func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	block := binaryLike(newRand(10), 128<<10)
	for _, level := range []int{1, 9, 12} {
		c, _ := NewCompressor(level)
		out := c.AppendZlib(nil, block)
		if n := testing.AllocsPerRun(3, func() { out = c.AppendZlib(out[:0], block) }); n != 0 {
			t.Errorf("level %d: Compressor: %v allocations per block", level, n)
		}
		if n := testing.AllocsPerRun(3, func() { out = c.AppendZlib(out[:0], block[:100]) }); n != 0 {
			t.Errorf("level %d: Compressor: %v allocations per small block", level, n)
		}
		var buf bytes.Buffer
		w, _ := NewWriterDict(&buf, level, block[:32<<10])
		w.Write(block)
		w.Flush()
		if n := testing.AllocsPerRun(3, func() {
			buf.Reset()
			w.Reset(&buf)
			w.Write(block)
			w.Flush()
		}); n != 0 {
			t.Errorf("level %d: Writer: %v allocations per stream", level, n)
		}
	}
}

// TestBaseWrap: when the position base nears the int32 limit, after a
// long stream or many resets, the tables are rewritten or cleared and the
// output is unchanged.
func TestBaseWrap(t *testing.T) {
	data := binaryLike(newRand(11), 700000)
	for _, level := range []int{6, 11} {
		want := compressWith(t, level, nil, data, 1<<30, 0)
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, level)
		w.c.finder().pos().base = maxBase - 300000 // the slides cross maxBase
		w.Write(data)
		w.Close()
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("level %d: output changes when the window slides past maxBase", level)
		}
		buf.Reset()
		w.Reset(&buf) // base is near maxBase: this reset clears
		w.Write(data)
		w.Close()
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("level %d: output changes after a reset past maxBase", level)
		}
	}
}
