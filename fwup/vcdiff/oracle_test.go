package vcdiff

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// xdeltaFlags are the encoder settings whose patches the decoder must
// read: fwup's usual -A -S none, the app header, no checksum, the fastest
// and slowest levels, small source windows (512 KiB is xdelta3's least)
// and input window sizes up to the 16 MiB Debian's xdelta3 allows.
var xdeltaFlags = []string{
	"-A -S none", "-S none", "-S none -n", "-S none -0", "-S none -9",
	"-S none -B 1048576", "-S none -B 524288 -W 65536",
	"-S none -W 16384", "-S none -W 65536", "-S none -W 262144", "-S none -W 1048576",
	"-S none -W 4194304", "-S none -W 16777216",
}

// xdeltaEncode runs xdelta3 -e on a pair and returns the patch; a nil src
// means no -s.
func xdeltaEncode(t testing.TB, xd string, flags string, src, tgt []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	s, g, out := filepath.Join(dir, "src"), filepath.Join(dir, "tgt"), filepath.Join(dir, "patch")
	writeFile(t, s, src)
	writeFile(t, g, tgt)
	args := append([]string{"-e", "-f"}, strings.Fields(flags)...)
	if src != nil {
		args = append(args, "-s", s)
	}
	args = append(args, g, out)
	if msg, err := exec.Command(xd, args...).CombinedOutput(); err != nil {
		t.Fatalf("xdelta3 %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	p, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decodeAll(patch, src []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := io.Copy(&out, NewReader(bytes.NewReader(patch), bytes.NewReader(src), int64(len(src))))
	return out.Bytes(), err
}

func TestDecodeXdelta3Patches(t *testing.T) {
	xd := oracle.Tool(t, "xdelta3")
	for _, p := range corpus(t) {
		for _, flags := range xdeltaFlags {
			t.Run(p.name+"/"+strings.ReplaceAll(flags, " ", ""), func(t *testing.T) {
				checkDecode(t, xdeltaEncode(t, xd, flags, p.src, p.tgt), p.src, p.tgt)
			})
		}
		t.Run(p.name+"/no-source", func(t *testing.T) {
			checkDecode(t, xdeltaEncode(t, xd, "-S none", nil, p.tgt), nil, p.tgt)
		})
	}
}

func checkDecode(t *testing.T, patch, src, want []byte) {
	t.Helper()
	got, err := decodeAll(patch, src)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("decoded %d bytes, want %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Debian's xdelta3 compresses sections with LZMA unless -S none; those
// patches, and DJW ones, are refused with a message that names the fix.
func TestDecodeRefusesSecondaryCompression(t *testing.T) {
	xd := oracle.Tool(t, "xdelta3")
	p := armPair()
	for _, flags := range []string{"", "-S lzma", "-S djw"} {
		patch := xdeltaEncode(t, xd, flags, p.src, p.tgt)
		_, err := decodeAll(patch, p.src)
		if !errors.Is(err, ErrSecondaryCompression) || !strings.Contains(err.Error(), "xdelta3 -S none") {
			t.Errorf("flags %q: got %v, want ErrSecondaryCompression", flags, err)
		}
	}
}
