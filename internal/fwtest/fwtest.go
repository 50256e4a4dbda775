// Package fwtest holds what the fwup packages' tests share: parsing
// config snippets, reading the zstd-compressed fixture images and block
// golden files, and replaying a file of fwup's recorded verdicts.
package fwtest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/firmwright/firmwright/fwup/conf"
)

// BlockSize is the 512-byte block of golden files.
const BlockSize = 512

// Parse parses config text; dir is where relative paths resolve.
func Parse(t testing.TB, name, dir string, text []byte) *conf.Section {
	t.Helper()
	root, err := conf.Parse(name, dir, text, conf.Options{Env: map[string]string{}})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return root
}

// Snippet parses `KIND x { BODY }` and returns that section.
func Snippet(t testing.TB, kind, body string) *conf.Section {
	t.Helper()
	return Parse(t, "t.conf", ".", []byte(fmt.Sprintf("%s x {\n%s\n}\n", kind, body))).Find(kind, "x")
}

// Section returns the section of a kind and title in the config file path.
func Section(t testing.TB, path, kind, title string) *conf.Section {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sec := Parse(t, filepath.Base(path), filepath.Dir(path), text).Find(kind, title)
	if sec == nil {
		t.Fatalf("%s: no %s %s", path, kind, title)
	}
	return sec
}

// ReadZstd decompresses a fixture image.
func ReadZstd(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Golden is an image as a map of its non-zero blocks.
type Golden map[uint64][BlockSize]byte

// DropZero removes all-zero blocks, as golden files leave them out.
func (g Golden) DropZero() Golden {
	for lba, d := range g {
		if d == ([BlockSize]byte{}) {
			delete(g, lba)
		}
	}
	return g
}

// ReadGolden reads a "# blocks=N" header and "LBA HEX" lines.
func ReadGolden(t testing.TB, path string) (numBlocks uint64, g Golden) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g = Golden{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4096)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "# blocks="); ok {
			if numBlocks, err = strconv.ParseUint(n, 10, 64); err != nil {
				t.Fatal(err)
			}
			continue
		}
		lba, hx, _ := strings.Cut(line, " ")
		n, err := strconv.ParseUint(lba, 10, 64)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, line, err)
		}
		d, err := hex.DecodeString(hx)
		if err != nil || len(d) != BlockSize {
			t.Fatalf("%s: bad block %d", path, n)
		}
		var b [BlockSize]byte
		copy(b[:], d)
		g[n] = b
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return numBlocks, g
}

// Verdicts replays a file of "BODY => VERDICT" lines recorded from real
// fwup (VERDICT is "OK" or fwup's message): check gets each BODY parsed
// as `KIND x { BODY }`. At least min cases must be read.
func Verdicts(t *testing.T, path, kind string, min int, check func(*conf.Section) error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<16)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		body, want, ok := strings.Cut(line, " => ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		n++
		got := "OK"
		if err := check(Snippet(t, kind, body)); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%.120s\n got: %s\nwant: %s", body, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < min {
		t.Fatalf("only %d cases read", n)
	}
}

// EncodeGoldens checks an encoder against testdata/NAME-BLOCKS.golden
// files that the real fwup wrote for section NAME of testdata/cases.conf
// on a BLOCKS-block device (0: a new image file).
func EncodeGoldens(t *testing.T, kind string, encode func(sec *conf.Section, numBlocks uint64) (Golden, error)) {
	files, err := filepath.Glob("testdata/*.golden")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			numBlocks, want := ReadGolden(t, file)
			name := strings.TrimSuffix(filepath.Base(file), fmt.Sprintf("-%d.golden", numBlocks))
			got, err := encode(Section(t, "testdata/cases.conf", kind, name), numBlocks)
			if err != nil {
				t.Fatal(err)
			}
			CompareGolden(t, got, want)
		})
	}
}

// CompareGolden reports every block that differs between two images.
func CompareGolden(t testing.TB, got, want Golden) {
	t.Helper()
	lbas := map[uint64]bool{}
	for lba := range got {
		lbas[lba] = true
	}
	for lba := range want {
		lbas[lba] = true
	}
	for _, lba := range slices.Sorted(maps.Keys(lbas)) {
		if got[lba] != want[lba] {
			t.Errorf("block %d:\n got %x\nwant %x", lba, got[lba], want[lba])
		}
	}
}
