package deflate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"testing"
)

// TestEmptyStreams: an empty stream, a flush of nothing and an empty zlib
// stream are byte for byte what zlib writes.
func TestEmptyStreams(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, 9)
	w.Close()
	if got := buf.Bytes(); !bytes.Equal(got, []byte{0x03, 0x00}) {
		t.Errorf("empty stream % x, want 03 00", got)
	}
	buf.Reset()
	w.Reset(&buf)
	w.Flush()
	if got := buf.Bytes(); !bytes.Equal(got, []byte{0x00, 0x00, 0x00, 0xff, 0xff}) {
		t.Errorf("sync flush of nothing % x, want 00 00 00 ff ff", got)
	}
	buf.Reset()
	zw, _ := NewZlibWriter(&buf, 9)
	zw.Close()
	// zlib.compress(b"", 9)
	if want := []byte{0x78, 0xda, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}; !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("empty zlib stream % x, want % x", buf.Bytes(), want)
	}
	c, _ := NewCompressor(9)
	if got := c.AppendZlib([]byte("x"), nil); !bytes.Equal(got, append([]byte("x"), buf.Bytes()...)) {
		t.Errorf("Compressor's empty zlib stream % x", got)
	}
}

func TestWriterErrors(t *testing.T) {
	for _, level := range []int{0, 13, -2} {
		if _, err := NewWriter(io.Discard, level); err == nil {
			t.Errorf("level %d accepted", level)
		}
	}
	if _, err := NewWriter(io.Discard, DefaultCompression); err != nil {
		t.Error(err)
	}
	w, _ := NewWriter(io.Discard, 9)
	w.Close()
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
	boom := errors.New("boom")
	w.Reset(failWriter{boom})
	w.Write(make([]byte, 1<<20)) // more than a chunk: output is written
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close after a failed write: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// TestZlibDict: a zlib stream with a dictionary names it by the whole
// dictionary's Adler-32, as zlib does even past 32 KiB, and Go's zlib
// inflates it given the same dictionary.
func TestZlibDict(t *testing.T) {
	dict := textLike(newRand(12), 40000)
	data := textLike(newRand(12), 90000)
	var buf bytes.Buffer
	zw, _ := NewZlibWriterDict(&buf, 9, dict)
	zw.Write(data)
	zw.Close()
	if buf.Bytes()[1]&0x20 == 0 {
		t.Fatal("FDICT not set")
	}
	r, err := zlib.NewReaderDict(&buf, dict)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("inflate: %v", err)
	}
}
