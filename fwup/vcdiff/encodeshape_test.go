package vcdiff

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// windowInfo is what a window's header says.
type windowInfo struct {
	ind            byte
	segPos, segLen uint64
	tgtLen         int
}

// windowsOf walks a patch's windows without decoding them.
func windowsOf(t *testing.T, patch []byte) []windowInfo {
	t.Helper()
	r := NewReader(bytes.NewReader(patch), bytes.NewReader(nil), 1<<62)
	if err := readHeader(r.p); err != nil {
		t.Fatal(err)
	}
	var ws []windowInfo
	for {
		if eof, _ := r.p.atEOF(); eof {
			return ws
		}
		var w window
		total, err := r.readWindowHeader(&w)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.p.skip(uint64(total)); err != nil {
			t.Fatal(err)
		}
		ws = append(ws, windowInfo{w.ind, w.segPos, w.segLen, w.tgtLen})
	}
}

// Our windows are what fwup's xdelta3 expects: VCD_SOURCE with the
// checksum (or neither without a source), never VCD_TARGET, no larger
// than asked, with a source segment no longer than the source window.
func TestEncodeWindowShape(t *testing.T) {
	p := corpus(t)[0]
	o := EncodeOptions{WindowSize: 100 << 10, SourceWindow: 300 << 10}
	ws := windowsOf(t, encodeBytes(t, p.src, p.tgt, o))
	if len(ws) != (len(p.tgt)+o.WindowSize-1)/o.WindowSize {
		t.Fatalf("%d windows for %d bytes", len(ws), len(p.tgt))
	}
	for i, w := range ws {
		if w.ind != winSource|winAdler32 || w.tgtLen > o.WindowSize || w.segLen > uint64(o.SourceWindow) || w.segLen == 0 {
			t.Errorf("window %d: %+v", i, w)
		}
	}
	for _, w := range windowsOf(t, encodeBytes(t, nil, p.tgt, EncodeOptions{NoChecksum: true})) {
		if w.ind != 0 {
			t.Errorf("no source, no checksum: indicator %#x", w.ind)
		}
	}
}

// With a source many times the source window and a target that reorders
// it, each window must still find the stretch of source it came from.
func TestEncodeMovesSourceWindow(t *testing.T) {
	src := mixed(rng(21), 4<<20)
	var tgt []byte
	for _, blk := range []int{5, 0, 7, 2, 2, 6, 1} {
		tgt = append(tgt, src[blk<<19:(blk+1)<<19]...)
	}
	o := EncodeOptions{WindowSize: 256 << 10, SourceWindow: 1 << 20}
	patch := encodeBytes(t, src, tgt, o)
	checkDecode(t, patch, src, tgt)
	if len(patch) > len(tgt)/200 {
		t.Errorf("patch is %d bytes for a %d-byte reordering", len(patch), len(tgt))
	}
}

// Windows from 16 MiB up to xdelta3's 64 MiB limit (that of xdelta3 3.1,
// which fwup vendors) decode; one byte more is refused. Debian's xdelta3
// 3.0.11 neither makes nor reads windows over 16 MiB, so it checks the
// 16 MiB one only.
// debianMaxWindow is Debian xdelta3 3.0.11's hard window limit.
const debianMaxWindow = 16 << 20

func TestEncodeLargeWindows(t *testing.T) {
	xd := oracle.Tool(t, "xdelta3")
	src := mixed(rng(31), 6<<20)
	const total = HardMaxWindow + 3<<20
	var tgt []byte
	for len(tgt) < total {
		tgt = append(tgt, edit(rng(uint64(len(tgt))), src, 5, "replace")...)
	}
	tgt = tgt[:total]
	for _, size := range []int{16 << 20, 40 << 20, HardMaxWindow} {
		patch := encodeBytes(t, src, tgt, EncodeOptions{WindowSize: size})
		ws := windowsOf(t, patch)
		if ws[0].tgtLen != size {
			t.Fatalf("first window %d bytes, want %d", ws[0].tgtLen, size)
		}
		checkDecode(t, patch, src, tgt)
		if size <= debianMaxWindow {
			xdeltaDecodeCheck(t, xd, patch, src, tgt)
		}
	}
	err := Encode(&bytes.Buffer{}, nil, 0, bytes.NewReader(nil), EncodeOptions{WindowSize: HardMaxWindow + 1})
	if err == nil {
		t.Fatal("a window over 64 MiB was accepted")
	}
}

// Small random pairs of every size near the edges (empty, one byte, under
// a copy's minimum, just over a window) round-trip.
func TestEncodeRandomSmall(t *testing.T) {
	r := rng(77)
	for i := range 300 {
		src := mixed(r, r.IntN(3000))
		tgt := edit(r, src, r.IntN(5), []string{"replace", "insert", "delete"}[i%3])
		if i%5 == 0 {
			tgt = mixed(r, r.IntN(40))
		}
		o := EncodeOptions{WindowSize: 1 + r.IntN(2000), SourceWindow: int64(1 + r.IntN(2000))}
		checkDecode(t, encodeBytes(t, src, tgt, o), src, tgt)
	}
}

// A source shorter than it is said to be is an error, not a bad patch.
func TestEncodeShortSource(t *testing.T) {
	for _, sw := range []int64{0, 100} {
		err := Encode(&bytes.Buffer{}, bytes.NewReader(make([]byte, 1000)), 5000, bytes.NewReader([]byte("x")), EncodeOptions{SourceWindow: sw})
		if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("source window %d: %v", sw, err)
		}
	}
}

// Sources too large for one entry every 8 bytes are indexed more sparsely,
// at a power-of-two step so that the matcher's odd skips meet every
// alignment; the sparse index still finds the copies.
func TestEncodeSparseIndex(t *testing.T) {
	for _, n := range []int64{0, 1000, 60 << 20, 64<<20 + 100, 1 << 30, 5 << 30} {
		x := newSourceIndex(n)
		if n/x.step >= blockMask-1 || x.step&(x.step-1) != 0 || len(x.slots) > 1<<maxIndexBits {
			t.Errorf("%d-byte source: step %d, %d slots", n, x.step, len(x.slots))
		}
	}
	for _, p := range corpus(t)[:4] {
		for _, step := range []int64{64, 256} {
			e, err := newEncoder(bytes.NewReader(p.src), int64(len(p.src)), EncodeOptions{WindowSize: 200 << 10})
			if err != nil {
				t.Fatal(err)
			}
			e.idx = newSourceIndexStep(int64(len(p.src)), step)
			e.idx.addChunk(p.src, 0)
			var out bytes.Buffer
			if err := e.encode(&out, bytes.NewReader(p.tgt)); err != nil {
				t.Fatal(err)
			}
			checkDecode(t, out.Bytes(), p.src, p.tgt)
			if out.Len() > len(p.tgt)/20 {
				t.Errorf("%s, step %d: %d-byte patch", p.name, step, out.Len())
			}
		}
	}
}
