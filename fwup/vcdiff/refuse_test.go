package vcdiff

import (
	"bytes"
	"errors"
	"hash/adler32"
	"io"
	"strings"
	"testing"
)

// win is a hand-made window; the helpers below fill in what a test leaves
// out (the checksum, the length field) correctly, so each test breaks just
// the one thing it is about.
type win struct {
	ind              byte
	segLen, segPos   uint64
	tgtLen           int
	data, inst, addr []byte
	sum              *uint32 // nil: computed from want when ind has winAdler32
	encLenDelta      int     // added to the correct length field
	want             []byte  // the target the window makes, for the checksum
}

func hdr(ind byte, extra ...byte) []byte {
	return append([]byte{0xd6, 0xc3, 0xc4, 0, ind}, extra...)
}

func (w win) bytes() []byte {
	b := []byte{w.ind}
	if w.ind&(winSource|winTarget) != 0 {
		b = appendVarint(appendVarint(b, w.segLen), w.segPos)
	}
	var body []byte
	body = appendVarint(body, uint64(w.tgtLen))
	body = append(body, 0)
	for _, s := range [][]byte{w.data, w.inst, w.addr} {
		body = appendVarint(body, uint64(len(s)))
	}
	if w.ind&winAdler32 != 0 {
		sum := adler32.Checksum(w.want)
		if w.sum != nil {
			sum = *w.sum
		}
		body = append(body, byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum))
	}
	body = append(append(append(body, w.data...), w.inst...), w.addr...)
	b = appendVarint(b, uint64(len(body)+w.encLenDelta))
	return append(b, body...)
}

func patchOf(h []byte, ws ...win) []byte {
	for _, w := range ws {
		h = append(h, w.bytes()...)
	}
	return h
}

// src16 is the source the hand-made patches copy from.
var src16 = []byte("0123456789abcdef")

func decodeErr(patch []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := io.Copy(&out, NewReader(bytes.NewReader(patch), bytes.NewReader(src16), int64(len(src16))))
	return out.Bytes(), err
}

// good is a valid window using a source copy, an ADD, a RUN, a target copy
// that overlaps itself and the checksum: the base every refusal breaks.
func good() win {
	return win{
		ind: winSource | winAdler32, segLen: 8, segPos: 4, tgtLen: 4 + 2 + 3 + 6,
		data: []byte("xyz"),
		// COPY 4 self addr 2; ADD 2; RUN 3; COPY 6 HERE back 3 (overlapping).
		inst: []byte{codeCopy0 + 4 - 3, codeAdd0 + 2, codeRun, 3, codeCopy0 + 16 + 6 - 3},
		addr: []byte{2, 3},
		want: []byte("6789xyzzzzzzzzz"),
	}
}

func TestDecodeHandMade(t *testing.T) {
	g := good()
	got, err := decodeErr(patchOf(hdr(0), g, g))
	if err != nil || string(got) != string(g.want)+string(g.want) {
		t.Fatalf("got %q, %v", got, err)
	}
	// xdelta3's application header (file names) is read and ignored.
	got, err = decodeErr(patchOf(hdr(hdrAppHeader, 5, 'a', 'b', 'c', 'd', 'e'), g))
	if err != nil || string(got) != string(g.want) {
		t.Fatalf("with app header: got %q, %v", got, err)
	}
	// No windows at all is an empty target.
	if got, err := decodeErr(hdr(0)); err != nil || len(got) != 0 {
		t.Fatalf("header only: got %q, %v", got, err)
	}
}

func TestDecodeRefusals(t *testing.T) {
	bad := uint32(12345)
	cases := []struct {
		name  string
		patch []byte
		want  error
	}{
		{"bad magic", []byte("PK\x03\x04 not a patch"), ErrNotVCDIFF},
		{"empty", nil, ErrNotVCDIFF},
		{"version 1", []byte{0xd6, 0xc3, 0xc4, 1, 0}, ErrVersion},
		{"secondary", hdr(hdrDecompress, 2), ErrSecondaryCompression},
		{"code table", hdr(hdrCodeTable, 10), ErrCodeTable},
		{"header bits", hdr(0x08), ErrCorrupt},
		{"VCD_TARGET", patchOf(hdr(0), with(good(), func(w *win) { w.ind = winTarget })), ErrTargetWindow},
		{"window bits", patchOf(hdr(0), with(good(), func(w *win) { w.ind |= 0x10 })), ErrCorrupt},
		{"segment past source", patchOf(hdr(0), with(good(), func(w *win) { w.segPos = 9 })), ErrSourceSegment},
		{"segment too long", patchOf(hdr(0), with(good(), func(w *win) { w.segLen, w.segPos = 17, 0 })), ErrSourceSegment},
		{"copy past segment", patchOf(hdr(0), with(good(), func(w *win) { w.segLen = 3 })), ErrCopySpansSegments},
		{"copy ahead", patchOf(hdr(0), with(good(), func(w *win) { w.addr = []byte{20, 3} })), ErrAddress},
		{"copy at here", patchOf(hdr(0), with(good(), func(w *win) { w.addr = []byte{2, 0} })), ErrAddress},
		{"length field", patchOf(hdr(0), with(good(), func(w *win) { w.encLenDelta = 1 })), ErrLengthMismatch},
		{"trailing data", patchOf(hdr(0), with(good(), func(w *win) { w.data = []byte("xyzw") })), ErrTrailingData},
		{"trailing address", patchOf(hdr(0), with(good(), func(w *win) { w.addr = []byte{2, 3, 9} })), ErrTrailingData},
		{"short of window", patchOf(hdr(0), with(good(), func(w *win) { w.tgtLen++ })), ErrCorrupt},
		{"past window", patchOf(hdr(0), with(good(), func(w *win) { w.tgtLen-- })), ErrCorrupt},
		{"checksum", patchOf(hdr(0), with(good(), func(w *win) { w.sum = &bad })), ErrChecksum},
		{"window > 64 MiB", patchOf(hdr(0), win{tgtLen: HardMaxWindow + 1, data: []byte{0}, inst: appendVarint([]byte{codeRun}, HardMaxWindow+1)}), ErrWindowTooLarge},
	}
	for _, c := range cases {
		_, err := decodeErr(c.patch)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

func with(w win, f func(*win)) win { f(&w); return w }

// Every proper prefix of a valid patch is truncated, not corrupt, and
// never a short but successful decode.
func TestDecodeTruncated(t *testing.T) {
	g := good()
	h := hdr(hdrAppHeader, 2, 'h', 'i')
	patch := patchOf(h, g, g)
	for n := 5; n < len(patch); n++ {
		if n == len(h) || n == len(patch)-len(g.bytes()) {
			continue // ends cleanly between windows
		}
		_, err := decodeErr(patch[:n])
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("prefix %d of %d: %v", n, len(patch), err)
		}
	}
}

// A 64 MiB window (xdelta3's hard limit) decodes; the decoder's own cap
// can be set lower.
func TestDecodeLargestWindow(t *testing.T) {
	big := win{tgtLen: HardMaxWindow, data: []byte{7}, inst: appendVarint([]byte{codeRun}, HardMaxWindow)}
	n, err := io.Copy(io.Discard, NewReader(bytes.NewReader(patchOf(hdr(0), big)), nil, 0))
	if err != nil || n != HardMaxWindow {
		t.Fatalf("decoded %d, %v", n, err)
	}
	r := NewReaderOptions(bytes.NewReader(patchOf(hdr(0), big)), nil, 0, DecodeOptions{MaxWindow: 1 << 20})
	if _, err := io.Copy(io.Discard, r); !errors.Is(err, ErrWindowTooLarge) || !strings.Contains(err.Error(), "limit 1048576") {
		t.Fatalf("with a 1 MiB cap: %v", err)
	}
}
