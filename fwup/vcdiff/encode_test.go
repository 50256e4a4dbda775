package vcdiff

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// encodeOptions are the settings the round trips run with: the defaults,
// small windows that make many windows and force the source window to
// move, and no checksum.
var encodeOptions = map[string]EncodeOptions{
	"default":    {},
	"small":      {WindowSize: 64 << 10, SourceWindow: 256 << 10},
	"nochecksum": {NoChecksum: true, WindowSize: 300 << 10},
}

func encodeBytes(t testing.TB, src, tgt []byte, o EncodeOptions) []byte {
	t.Helper()
	var out bytes.Buffer
	var s *bytes.Reader
	if src != nil {
		s = bytes.NewReader(src)
	}
	var err error
	if s == nil {
		err = Encode(&out, nil, 0, bytes.NewReader(tgt), o)
	} else {
		err = Encode(&out, s, int64(len(src)), bytes.NewReader(tgt), o)
	}
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return out.Bytes()
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, p := range corpus(t) {
		for on, o := range encodeOptions {
			t.Run(p.name+"/"+on, func(t *testing.T) {
				checkDecode(t, encodeBytes(t, p.src, p.tgt, o), p.src, p.tgt)
			})
		}
		t.Run(p.name+"/no-source", func(t *testing.T) {
			checkDecode(t, encodeBytes(t, nil, p.tgt, EncodeOptions{}), nil, p.tgt)
		})
	}
}

// xdelta3 -d must read our patches: the decoder fwup runs is the real
// judge of the format.
func TestEncodeXdelta3Decodes(t *testing.T) {
	xd := oracle.Tool(t, "xdelta3")
	for _, p := range corpus(t) {
		for on, o := range encodeOptions {
			t.Run(p.name+"/"+on, func(t *testing.T) {
				xdeltaDecodeCheck(t, xd, encodeBytes(t, p.src, p.tgt, o), p.src, p.tgt)
			})
		}
		t.Run(p.name+"/no-source", func(t *testing.T) {
			xdeltaDecodeCheck(t, xd, encodeBytes(t, nil, p.tgt, EncodeOptions{}), nil, p.tgt)
		})
	}
}

func xdeltaDecodeCheck(t *testing.T, xd string, patch, src, want []byte) {
	t.Helper()
	dir := t.TempDir()
	pf, out := filepath.Join(dir, "patch"), filepath.Join(dir, "out")
	writeFile(t, pf, patch)
	args := []string{"-d", "-f"}
	if src != nil {
		sf := filepath.Join(dir, "src")
		writeFile(t, sf, src)
		args = append(args, "-s", sf)
	}
	if msg, err := exec.Command(xd, append(args, pf, out)...).CombinedOutput(); err != nil {
		t.Fatalf("xdelta3 -d: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("xdelta3 decoded %d bytes, want %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
	}
}

// Our patches are no more than 5% (plus a few bytes of framing) larger than
// xdelta3 -9's over the corpus, with and without a source; the ratios are
// logged (go test -v) for the record.
func TestEncodeSizeVsXdelta3(t *testing.T) {
	xd := oracle.Tool(t, "xdelta3")
	for _, p := range corpus(t) {
		for _, src := range [][]byte{p.src, nil} {
			ours := len(encodeBytes(t, src, p.tgt, EncodeOptions{}))
			theirs := len(xdeltaEncode(t, xd, "-9 -A -S none", src, p.tgt))
			t.Logf("%-13s source %-5v ours %8d xdelta3 %8d ratio %.3f", p.name, src != nil, ours, theirs, float64(ours)/float64(theirs))
			if float64(ours) > 1.05*float64(theirs)+64 {
				t.Errorf("%s (source %v): %d bytes, xdelta3 -9 makes %d", p.name, src != nil, ours, theirs)
			}
		}
	}
}
