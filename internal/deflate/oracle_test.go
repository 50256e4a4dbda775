package deflate

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// oracleCase is one stream for zlib to inflate.
type oracleCase struct {
	name       string
	format     string // raw or zlib
	comp, want []byte
	dict       []byte
}

// writePattern is how a test feeds a Writer: pieces of step bytes, a
// Flush after every flushEvery pieces (0: never).
type writePattern struct {
	name             string
	step, flushEvery int
}

var writePatterns = []writePattern{
	{"whole", 1 << 30, 0},
	{"odd-writes", 4093, 0},
	{"byte-writes-flushed", 1, 997},
	{"flush-each-7777", 7777, 1},
	{"flush-each-65536", 65536, 1},
}

// patternLevels are the levels tested with every write pattern: one of
// each parse and match finder (the others only differ in parameters).
var patternLevels = map[int]bool{1: true, 4: true, 9: true, 10: true, 12: true}

// oracleCases compresses the round-trip inputs at every level and write
// pattern, with and without a dictionary, raw and zlib.
func oracleCases(t *testing.T) []oracleCase {
	var cases []oracleCase
	inputs := testInputs()
	dict := binaryLike(newRand(9), 50000)
	for _, in := range inputs {
		data := in.data
		if testing.Short() && len(data) > 100000 {
			data = data[:100000]
		}
		for level := 1; level <= BestRatio; level++ {
			for i, wp := range writePatterns {
				if wp.step == 1 && len(data) > 20000 {
					continue // byte writes are slow to feed; small inputs cover them
				}
				if i > 0 && !patternLevels[level] {
					continue // the slower levels see every pattern on fewer levels
				}
				name := fmt.Sprintf("%s-%d-%s", in.name, level, wp.name)
				cases = append(cases, oracleCase{name, "raw", compressWith(t, level, nil, data, wp.step, wp.flushEvery), data, nil})
				if wp.flushEvery == 0 {
					// The dictionary's end matches the data's start, so
					// matches cross the boundary.
					d := append(append([]byte(nil), dict...), data[:min(len(data), 300)]...)
					cases = append(cases, oracleCase{name + "-dict", "raw", compressWith(t, level, d, data, wp.step, 0), data, d})
				}
			}
			var zb bytes.Buffer
			zw, err := NewZlibWriter(&zb, level)
			if err != nil {
				t.Fatal(err)
			}
			zw.Write(data)
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, oracleCase{fmt.Sprintf("%s-%d-zlib", in.name, level), "zlib", zb.Bytes(), data, nil})
			c, _ := NewCompressor(level)
			cases = append(cases, oracleCase{fmt.Sprintf("%s-%d-oneshot", in.name, level), "zlib", c.AppendZlib(nil, data), data, nil})
		}
	}
	return cases
}

// TestOracleZlib has python3's zlib inflate every stream.
func TestOracleZlib(t *testing.T) {
	py := oracleTool(t, "python3")
	dir := t.TempDir()
	var manifest strings.Builder
	cases := oracleCases(t)
	for i, c := range cases {
		base := filepath.Join(dir, fmt.Sprint(i))
		write := func(suffix string, b []byte) string {
			p := base + suffix
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		fmt.Fprintf(&manifest, "%s %s %s", c.format, write(".z", c.comp), write(".want", c.want))
		if c.dict != nil {
			fmt.Fprintf(&manifest, " %s", write(".dict", c.dict))
		}
		manifest.WriteString("\n")
		// Go's inflaters too, on the same streams.
		if c.format == "raw" {
			if got := inflate(t, c.comp, c.dict); !bytes.Equal(got, c.want) {
				t.Errorf("%s: Go inflates to %d bytes, want %d", c.name, len(got), len(c.want))
			}
		}
	}
	mf := filepath.Join(dir, "manifest")
	if err := os.WriteFile(mf, []byte(manifest.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/inflate.py", mf).CombinedOutput()
	if err != nil {
		t.Fatalf("zlib rejects streams: %v\n%s", err, out)
	}
	t.Logf("zlib inflated %d streams", len(cases))
}

// TestZlibHeader checks our zlib header is the one zlib writes at each
// level (so a SquashFS image of ours starts its blocks as mksquashfs's).
func TestZlibHeader(t *testing.T) {
	py := oracleTool(t, "python3")
	out, err := exec.Command(py, "-c", `
import zlib
for l in range(1, 10):
    print(zlib.compress(b"x", l)[:2].hex())
`).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(string(out))
	for level := 1; level <= 9; level++ {
		h := zlibHeader(level, false)
		if got := fmt.Sprintf("%02x%02x", h[0], h[1]); got != want[level-1] {
			t.Errorf("level %d: header %s, zlib writes %s", level, got, want[level-1])
		}
	}
}
