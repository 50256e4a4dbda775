package fwtest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
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

// Ref is the path of a file of the fwup reference set
// (testdata/fwup-ref at the module's root: what a real fwup made of
// fwup.conf and misc/misc.conf, by testdata/record-fwup).
func Ref(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{RepoRoot(t), "testdata", "fwup-ref"}, elem...)...)
}

// Recording is the path of a test's recorded fwup verdicts
// (internal/reffwup): testdata/reffwup/NAME.json at the module's root.
func Recording(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "testdata", "reffwup", name+".json")
}

// RepoRoot is the module's root: where this file's source lies, two
// folders up (tests change directory, so the working directory will not
// do), else the first folder above the working directory with a go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Dir(filepath.Dir(filepath.Dir(file)))
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// sparseRuns is misc/sparse.bin's layout: data, hole, data, hole (git
// keeps only the data runs, in misc/sparse.data).
var sparseRuns = []int64{8192, 401408, 4096, 634880}

// MiscDir makes misc.conf's inputs in a new directory and returns it:
// misc.conf, empty.bin and sparse.bin with its holes.
func MiscDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"misc.conf", "empty.bin"} {
		b, err := os.ReadFile(Ref(t, "misc", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(Ref(t, "misc", "sparse.data"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "sparse.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var off, from int64
	for i, n := range sparseRuns {
		if i%2 == 0 {
			if _, err := f.WriteAt(data[from:from+n], off); err != nil {
				t.Fatal(err)
			}
			from += n
		}
		off += n
	}
	if err := f.Truncate(off); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ReadFile reads a file a test needs, failing the test if it cannot.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
