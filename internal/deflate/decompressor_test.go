package deflate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"testing"
)

// TestUnzlibRoundTrip: what AppendZlib and compress/zlib write, every
// test input, comes back appended after what dst held, with a limit of
// exactly its length, with bytes after the checksum ignored; one byte
// less of limit is ErrTooLong.
func TestUnzlibRoundTrip(t *testing.T) {
	c, err := NewCompressor(9)
	if err != nil {
		t.Fatal(err)
	}
	var d Decompressor
	prefix := []byte("kept")
	for _, in := range testInputs() {
		var std bytes.Buffer
		w := zlib.NewWriter(&std)
		w.Write(in.data)
		w.Close()
		for k, comp := range [][]byte{c.AppendZlib(nil, in.data), std.Bytes()} {
			comp = append(comp, "after"...)
			got, err := d.AppendUnzlib(bytes.Clone(prefix), comp, len(in.data))
			if err != nil || !bytes.Equal(got, append(bytes.Clone(prefix), in.data...)) {
				t.Fatalf("%s, encoder %d: %v (%d bytes of %d)", in.name, k, err, len(got), len(prefix)+len(in.data))
			}
			if len(in.data) == 0 {
				continue
			}
			if _, err := d.AppendUnzlib(nil, comp, len(in.data)-1); !errors.Is(err, ErrTooLong) {
				t.Fatalf("%s, encoder %d, limit one short: %v, want ErrTooLong", in.name, k, err)
			}
		}
	}
}

// TestUnzlibBadInput: a cut stream, a wrong checksum and each kind of bad
// header fail, and say which.
func TestUnzlibBadInput(t *testing.T) {
	c, _ := NewCompressor(6)
	data := textLike(newRand(5), 5000)
	good := c.AppendZlib(nil, data)
	var d Decompressor
	for cut := 0; cut < len(good); cut++ {
		if _, err := d.AppendUnzlib(nil, good[:cut], len(data)); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d of %d: %v, want io.ErrUnexpectedEOF", cut, len(good), err)
		}
	}
	badSum := bytes.Clone(good)
	badSum[len(badSum)-1] ^= 1
	headers := map[string][]byte{
		"method":     {0x79, 0xda},
		"window":     {0x88, 0x1c},
		"check bits": {0x78, 0xdb},
		"dictionary": {0x78, 0xbb},
	}
	cases := map[string][]byte{"Adler-32": badSum}
	for why, h := range headers {
		cases[why] = append(h, good[2:]...)
	}
	for why, comp := range cases {
		_, err := d.AppendUnzlib(nil, comp, len(data))
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(why[:5])) {
			t.Errorf("%s: error %v, want one naming it", why, err)
		}
	}
}

// FuzzUnzlib: on any input the Decompressor agrees with compress/zlib
// (ignoring what follows the checksum, as both do).
func FuzzUnzlib(f *testing.F) {
	c, _ := NewCompressor(9)
	for _, in := range testInputs()[:8] {
		f.Add(c.AppendZlib(nil, in.data))
	}
	var d Decompressor
	f.Fuzz(func(t *testing.T, comp []byte) {
		zr, werr := zlib.NewReader(bytes.NewReader(comp))
		var want []byte
		if werr == nil {
			want, werr = io.ReadAll(zr)
		}
		got, err := d.AppendUnzlib(nil, comp, 1<<20)
		if (err == nil) != (werr == nil) {
			t.Fatalf("input %x: error %v, compress/zlib's %v", comp, err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("input %x: inflates to other bytes than compress/zlib's", comp)
		}
	})
}
