package deflate

import (
	"bytes"
	"compress/flate"
	"io"
	"testing"
)

// fuzzWriters and fuzzCompressors are reused across a worker's inputs,
// Reset each time, as firmwright's writers reuse theirs: allocating them
// anew would be most of an input's time.
var (
	fuzzWriters     [BestRatio + 1]*Writer
	fuzzCompressors [BestRatio + 1]*Compressor
)

func fuzzCoders(t *testing.T, level int) (*Writer, *Compressor) {
	if fuzzWriters[level] == nil {
		w, err := NewWriter(nil, level)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := NewCompressor(level)
		fuzzWriters[level], fuzzCompressors[level] = w, c
	}
	return fuzzWriters[level], fuzzCompressors[level]
}

// FuzzRoundTrip compresses data at a level, writing it in pieces and
// flushing where the fuzzer says, and checks compress/flate inflates it
// back. cuts is read two bytes at a time: a piece length, and whether to
// flush after that piece.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello, hello, hello world"), uint8(9), []byte{5, 1, 3, 0})
	f.Add(bytes.Repeat([]byte{0}, 1000), uint8(12), []byte{})
	f.Add(bytes.Repeat([]byte("abcabd"), 300), uint8(1), []byte{200, 1, 7, 1})
	f.Add(binaryLike(newRand(5), 3000), uint8(10), []byte{255, 0, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte, lv uint8, cuts []byte) {
		level := 1 + int(lv)%BestRatio
		var buf bytes.Buffer
		w, c := fuzzCoders(t, level)
		w.Reset(&buf)
		rest := data
		for i := 0; i+1 < len(cuts) && len(rest) > 0; i += 2 {
			n := min(int(cuts[i])*int(cuts[i]), len(rest))
			w.Write(rest[:n])
			rest = rest[n:]
			if cuts[i+1]&1 != 0 {
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
		w.Write(rest)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(&buf))
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("level %d: round trip differs", level)
		}
		// The one-shot path must agree with the Writer when nothing is
		// flushed.
		if got, err := io.ReadAll(flate.NewReader(bytes.NewReader(c.AppendDeflate(nil, data)))); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("level %d: one-shot round trip fails: %v", level, err)
		}
	})
}
