package deflate

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// trailer follows every stream the Reader tests read: it must be left in
// the bufio.Reader, untouched.
const trailer = "PK\x07\x08 the next field"

// ourInflate inflates comp followed by trailer with a Reader over a
// bufio.Reader of size bufSize, reading in pieces of step bytes, and
// checks the trailer is what is left.
func ourInflate(t testing.TB, comp []byte, bufSize, step int) ([]byte, error) {
	t.Helper()
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(comp), bytes.NewReader([]byte(trailer))), bufSize)
	r := NewReader(br)
	var out []byte
	p := make([]byte, step)
	for {
		n, err := r.Read(p)
		out = append(out, p[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, err
		}
	}
	if rest, _ := io.ReadAll(br); string(rest) != trailer {
		t.Fatalf("after the stream the bufio.Reader holds %q, want %q", rest, trailer)
	}
	return out, nil
}

// TestInflateOtherEncoders: streams of compress/flate's and klauspost's
// encoders, every level and Huffman-only, inflate to their data, whatever
// the bufio.Reader's size and the reads' sizes.
func TestInflateOtherEncoders(t *testing.T) {
	for _, in := range testInputs() {
		for _, level := range []int{flate.HuffmanOnly, 0, 1, 5, 9} {
			for k, enc := range []func(io.Writer, int) (io.WriteCloser, error){
				func(w io.Writer, l int) (io.WriteCloser, error) { return flate.NewWriter(w, l) },
				func(w io.Writer, l int) (io.WriteCloser, error) { return kflate.NewWriter(w, l) },
			} {
				var b bytes.Buffer
				w, _ := enc(&b, level)
				w.Write(in.data)
				w.Close()
				comp := b.Bytes()
				for _, sz := range [][2]int{{64 << 10, 64 << 10}, {16, 7}} {
					got, err := ourInflate(t, comp, sz[0], sz[1])
					if err != nil || !bytes.Equal(got, in.data) {
						t.Fatalf("%s, encoder %d, level %d, buffer %d: %v (%d bytes of %d)", in.name, k, level, sz[0], err, len(got), len(in.data))
					}
				}
			}
		}
	}
}

// TestInflateTruncated: every cut of a stream short of its end fails with
// io.ErrUnexpectedEOF, never a short success.
func TestInflateTruncated(t *testing.T) {
	data := textLike(newRand(3), 20000)
	stored := append(bytes.Repeat([]byte{1, 2, 3}, 100), binaryLike(newRand(4), 3000)...)
	for _, comp := range [][]byte{compressWith(t, 9, nil, data, 1<<30, 0), compressWith(t, 9, nil, stored, 100, 3)} {
		for cut := 0; cut < len(comp); cut++ {
			br := bufio.NewReaderSize(bytes.NewReader(comp[:cut]), 16)
			_, err := io.ReadAll(NewReader(br))
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("cut at %d of %d: %v, want io.ErrUnexpectedEOF", cut, len(comp), err)
			}
		}
	}
}

// TestInflateCorrupt: streams with a byte changed inflate as compress/flate
// inflates them: the same bytes when it succeeds, an error when it fails.
func TestInflateCorrupt(t *testing.T) {
	r := newRand(9)
	data := binaryLike(r, 30000)
	comps := [][]byte{compressWith(t, 9, nil, data, 1<<30, 0), compressWith(t, 1, nil, data, 1<<30, 0)}
	for _, comp := range comps {
		for i := 0; i < 3000; i++ {
			bad := bytes.Clone(comp)
			bad[r.IntN(min(len(bad), 400))] ^= byte(1 + r.IntN(255))
			compareWithGo(t, bad)
		}
	}
}

// compareWithGo checks the Reader agrees with compress/flate on comp.
func compareWithGo(t *testing.T, comp []byte) {
	t.Helper()
	want, werr := io.ReadAll(flate.NewReader(bytes.NewReader(comp)))
	br := bufio.NewReaderSize(bytes.NewReader(comp), 64<<10)
	got, err := io.ReadAll(NewReader(br))
	if (err == nil) != (werr == nil) {
		t.Fatalf("input %x: error %v, compress/flate's %v", comp, err, werr)
	}
	if err == nil && !bytes.Equal(got, want) {
		t.Fatalf("input %x: inflates to other bytes than compress/flate's", comp)
	}
	var ce *CorruptInputError
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &ce) {
		t.Fatalf("input %x: error %v is neither corrupt input nor an unexpected EOF", comp, err)
	}
}

// FuzzInflate: on any input the Reader agrees with compress/flate.
func FuzzInflate(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0xff, 0xff})
	f.Add([]byte{3, 0})
	for _, in := range testInputs()[:8] {
		f.Add(compressWith(f, 9, nil, in.data, 1<<30, 0))
	}
	f.Fuzz(func(t *testing.T, comp []byte) {
		compareWithGo(t, comp)
	})
}
