package vcdiff

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// pair is a (source, target) case: every decoder and encoder test runs over
// the same shapes of change.
type pair struct {
	name     string
	src, tgt []byte
}

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// mixed is data with some structure: text-like runs, random bytes and
// repeats of earlier stretches, so that both source and self copies occur.
func mixed(r *rand.Rand, n int) []byte {
	words := []string{"firmware ", "partition ", "rootfs ", "uboot ", "kernel ", "\n", "0x", "nerves ", "= ", "{}"}
	b := make([]byte, 0, n)
	for len(b) < n {
		switch r.IntN(4) {
		case 0:
			for range 20 {
				b = append(b, words[r.IntN(len(words))]...)
			}
		case 1:
			for range 64 + r.IntN(512) {
				b = append(b, byte(r.Uint32()))
			}
		case 2:
			if len(b) > 1000 {
				from := r.IntN(len(b) - 500)
				b = append(b, b[from:from+r.IntN(500)]...)
			}
		default:
			b = append(b, make([]byte, r.IntN(300))...)
		}
	}
	return b[:n]
}

// edit applies count random edits of kind ("replace", "insert", "delete").
func edit(r *rand.Rand, src []byte, count int, kind string) []byte {
	t := bytes.Clone(src)
	for range count {
		p := r.IntN(len(t) + 1)
		n := 1 + r.IntN(200)
		junk := make([]byte, n)
		for i := range junk {
			junk[i] = byte(r.Uint32())
		}
		switch kind {
		case "insert":
			t = append(t[:p], append(junk, t[p:]...)...)
		case "delete":
			t = append(t[:p], t[min(p+n, len(t)):]...)
		default:
			copy(t[p:], junk)
		}
	}
	return t
}

// shifted moves blocks of the source around and prepends new bytes, so
// that copies come from behind and ahead of the target position.
func shifted(r *rand.Rand, src []byte) []byte {
	const blk = 64 << 10
	var blocks [][]byte
	for i := 0; i < len(src); i += blk {
		blocks = append(blocks, src[i:min(i+blk, len(src))])
	}
	r.Shuffle(len(blocks), func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
	t := mixed(r, 3000)
	for _, b := range blocks {
		t = append(t, b...)
	}
	return t
}

// zeroRuns is mostly zeros with islands of data, like a sparse image;
// the target moves and resizes the runs.
func zeroRuns(r *rand.Rand, n int) (src, tgt []byte) {
	src, tgt = make([]byte, n), make([]byte, 0, n)
	for i := 0; i < n; i += 40000 {
		copy(src[i:], mixed(r, 1000))
	}
	for i := 0; i < n; i += 40000 {
		tgt = append(tgt, src[i:i+1000]...)
		tgt = append(tgt, make([]byte, 30000+r.IntN(20000))...)
		tgt = append(tgt, bytes.Repeat([]byte{0xff}, r.IntN(5000))...)
	}
	return src, tgt
}

// armCode is pseudo-ARM machine code: 32-bit words from a small vocabulary
// of common encodings and BL calls whose PC-relative offsets point at
// function starts. Inserting a few instructions in v2 shifts later code and
// rewrites every call that crosses the edit, as a rebuild does.
func armCode(r *rand.Rand, funcs int, insert map[int]int) []byte {
	vocab := []uint32{0xe92d4010, 0xe8bd8010, 0xe1a00000, 0xe3a00000, 0xe59f3010, 0xe5933000, 0xe1530002, 0x0a000003, 0xe2800001, 0xe12fff1e}
	sizes := make([]int, funcs)
	starts := make([]int, funcs)
	pos := 0
	for i := range sizes {
		sizes[i] = 8 + r.IntN(120)
		starts[i] = pos
		pos += sizes[i] + insert[i]
	}
	out := make([]byte, 0, pos*4)
	for i := range funcs {
		for j := range sizes[i] + insert[i] {
			w := vocab[r.IntN(len(vocab))]
			if j%7 == 3 {
				callee := r.IntN(funcs)
				off := (starts[callee] - (starts[i] + j) - 2) & 0xffffff
				w = 0xeb000000 | uint32(off)
			}
			out = binary.LittleEndian.AppendUint32(out, w)
		}
	}
	return out
}

func armPair() pair {
	// The same seed gives the same instruction choices; insertions change
	// the layout and the later words drawn.
	src := armCode(rng(7), 3000, nil)
	tgt := armCode(rng(7), 3000, map[int]int{400: 3, 1500: 10, 2900: 1})
	return pair{"arm", src, tgt}
}

var corpusCache struct {
	sync.Mutex
	pairs []pair
}

// corpus is the set of pairs every oracle test runs over, built once per
// test binary; the SquashFS pair is added when mksquashfs is there (and
// always on CI, where its absence fails).
func corpus(t testing.TB) []pair {
	t.Helper()
	corpusCache.Lock()
	defer corpusCache.Unlock()
	if corpusCache.pairs == nil {
		corpusCache.pairs = buildCorpus(t)
	}
	return corpusCache.pairs
}

func buildCorpus(t testing.TB) []pair {
	r := rng(1)
	base := mixed(r, 1<<20)
	zsrc, ztgt := zeroRuns(r, 1<<20)
	ps := []pair{
		{"edits", base, edit(r, base, 100, "replace")},
		{"insertions", base, edit(r, base, 60, "insert")},
		{"deletions", base, edit(r, base, 60, "delete")},
		{"shifts", base, shifted(r, base)},
		{"zeros", zsrc, ztgt},
		armPair(),
		{"unrelated", mixed(rng(2), 200000), mixed(rng(3), 300000)},
		{"empty-target", base[:5000], nil},
		{"empty-source", nil, base[:70000]},
		{"one-byte", []byte{1}, []byte{2}},
	}
	if v1, v2, ok := elfPair(t); ok {
		ps = append(ps, pair{"arm64-elf", v1, v2})
	}
	if _, err := exec.LookPath("mksquashfs"); err == nil || os.Getenv("CI") == "true" {
		v1, v2 := squashfsPair(t, 2)
		ps = append(ps, pair{"squashfs", v1, v2})
	}
	return ps
}

// elfPair builds two versions of a small Go program for linux/arm64 (real
// ARM code: v2 changes one function, so later code and its calls move),
// with the go command that runs the tests; ok is false without one.
func elfPair(t testing.TB) (v1, v2 []byte, ok bool) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, nil, false
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module elfpair\n\ngo 1.22\n"))
	var out [2][]byte
	for i, extra := range []string{"", "\tfor i := range 3 { s += strconv.Itoa(i * len(os.Args)) }\n"} {
		src := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"strconv\"\n)\n\n" +
			"func work(s string) string {\n" + extra + "\treturn s + strconv.Quote(s)\n}\n\n" +
			"func main() { fmt.Println(work(os.Args[0]), strconv.Itoa(len(os.Args))) }\n"
		writeFile(t, filepath.Join(dir, "main.go"), []byte(src))
		bin := filepath.Join(dir, "bin")
		cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out[0], out[1], true
}

// squashfsPair builds two SquashFS images of similar generated trees:
// v2 changes a few files, adds one and removes one. scale multiplies the
// tree (about 1.5 MB of image per unit).
func squashfsPair(t testing.TB, scale int) (v1, v2 []byte) {
	t.Helper()
	mk := oracle.Tool(t, "mksquashfs")
	dir := t.TempDir()
	for i, ver := range []string{"v1", "v2"} {
		root := filepath.Join(dir, ver)
		writeTree(t, root, scale, i == 1)
		img := filepath.Join(dir, ver+".sqfs")
		cmd := exec.Command(mk, root, img, "-noappend", "-no-xattrs", "-all-root", "-mkfs-time", "0", "-all-time", "0", "-quiet", "-no-progress")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mksquashfs: %v\n%s", err, out)
		}
		b, err := os.ReadFile(img)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			v1 = b
		} else {
			v2 = b
		}
	}
	return v1, v2
}

// writeTree writes the generated tree: text files, pseudo-ARM binaries and
// a zero-padded data file; v2 changes every 17th file, adds and drops one.
func writeTree(t testing.TB, root string, scale int, v2 bool) {
	t.Helper()
	r := rng(11)
	for i := range 120 * scale {
		name := filepath.Join(root, "dir"+string(rune('a'+i%7)), "file"+strconv.Itoa(i))
		var data []byte
		switch i % 4 {
		case 0:
			data = armCode(rng(uint64(i)), 100+r.IntN(300), nil)
		default:
			data = mixed(rng(uint64(i)), 1000+r.IntN(20000))
		}
		if v2 && i%17 == 5 {
			data = edit(rng(uint64(i)+1000), data, 3, "insert")
		}
		if v2 && i == 40 {
			continue // removed in v2
		}
		writeFile(t, name, data)
	}
	if v2 {
		writeFile(t, filepath.Join(root, "dirc", "added"), mixed(rng(99), 30000))
	}
}

func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
