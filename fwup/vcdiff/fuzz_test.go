package vcdiff

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// fuzzWindow is the window cap the fuzzer decodes with; what one input may
// allocate is measured against it.
const fuzzWindow = 1 << 20

// fuzzSource is the source every fuzz input is applied to; the committed
// seeds (testdata/fuzz/FuzzDecode) are xdelta3 patches against it.
func fuzzSource() []byte { return mixed(rng(42), 1<<16) }

func fuzzTargets() map[string][]byte {
	src := fuzzSource()
	return map[string][]byte{
		"edits":  edit(rng(43), src, 20, "replace"),
		"insert": edit(rng(44), src, 10, "insert"),
		"delete": edit(rng(45), src, 10, "delete"),
		"zeros":  append(bytes.Repeat([]byte{0}, 5000), src[:3000]...),
	}
}

// FuzzDecode feeds arbitrary patches to the decoder: it must not panic,
// must return an error or a target, and must not allocate more than twice
// its window cap for any input.
func FuzzDecode(f *testing.F) {
	src := fuzzSource()
	g := good()
	f.Add(patchOf(hdr(0), g, g))
	f.Add(patchOf(hdr(hdrAppHeader, 1, 'x'), g))
	f.Add(patchOf(hdr(0), win{tgtLen: 3000, data: []byte{7}, inst: appendVarint([]byte{codeRun}, 3000)}))
	f.Fuzz(func(t *testing.T, patch []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReaderOptions(bytes.NewReader(patch), bytes.NewReader(src), int64(len(src)), DecodeOptions{MaxWindow: fuzzWindow})
		n, err := io.Copy(io.Discard, r)
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 2*fuzzWindow {
			t.Fatalf("allocated %d bytes for a %d-byte patch (decoded %d, %v)", grew, len(patch), n, err)
		}
	})
}

// TestFuzzSeeds regenerates the committed seed corpus from xdelta3
// when VCDIFF_WRITE_FUZZ_SEEDS=1; otherwise it checks that the committed
// seeds still decode to their targets (so a change to the generators that
// made them does not silently turn them into checksum failures).
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	flags := map[string]string{"A": "-A -S none", "app": "-S none", "nosum": "-S none -n -A", "small": "-S none -A -W 16384"}
	if os.Getenv("VCDIFF_WRITE_FUZZ_SEEDS") == "1" {
		xd := oracle.Tool(t, "xdelta3")
		for tn, tgt := range fuzzTargets() {
			for fn, fl := range flags {
				p := xdeltaEncode(t, xd, fl, fuzzSource(), tgt)
				writeFile(t, filepath.Join(dir, "xdelta3-"+tn+"-"+fn), []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", p)))
			}
		}
		return
	}
	for tn, tgt := range fuzzTargets() {
		for fn := range flags {
			p := readSeed(t, filepath.Join(dir, "xdelta3-"+tn+"-"+fn))
			got, err := decodeAll(p, fuzzSource())
			if err != nil || !bytes.Equal(got, tgt) {
				t.Errorf("seed %s-%s: %v (got %d bytes, want %d)", tn, fn, err, len(got), len(tgt))
			}
		}
	}
}

// readSeed parses a seed file in the fuzzing engine's v1 format, which
// holds one []byte(...) Go literal.
func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	const pre, suf = "go test fuzz v1\n[]byte(", ")\n"
	s := string(b)
	if len(s) < len(pre)+len(suf) || s[:len(pre)] != pre || s[len(s)-len(suf):] != suf {
		t.Fatalf("%s: not a v1 seed", name)
	}
	var p string
	if _, err := fmt.Sscanf(s[len(pre):len(s)-len(suf)], "%q", &p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return []byte(p)
}

// FuzzRoundTrip encodes arbitrary pairs with arbitrary small windows and
// checks that the decoder gives the target back.
func FuzzRoundTrip(f *testing.F) {
	src := fuzzSource()[:4000]
	f.Add(src, edit(rng(1), src, 3, "insert"), uint16(1000), uint16(1500))
	f.Add(src, bytes.Repeat([]byte{0}, 3000), uint16(0), uint16(0))
	f.Add([]byte{}, []byte("abcabcabcabcabc"), uint16(7), uint16(1))
	f.Fuzz(func(t *testing.T, src, tgt []byte, win, sw uint16) {
		o := EncodeOptions{WindowSize: int(win), SourceWindow: int64(sw), NoChecksum: win%2 == 1}
		var patch bytes.Buffer
		if err := Encode(&patch, bytes.NewReader(src), int64(len(src)), bytes.NewReader(tgt), o); err != nil {
			t.Fatal(err)
		}
		got, err := decodeAll(patch.Bytes(), src)
		if err != nil || !bytes.Equal(got, tgt) {
			t.Fatalf("round trip: %v (got %d bytes, want %d)", err, len(got), len(tgt))
		}
	})
}
