package deflate

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// testInput is one case of the round-trip corpus.
type testInput struct {
	name string
	data []byte
}

// testInputs returns inputs chosen for the encoder's edge cases: sizes
// around its limits, runs, far matches, incompressible data, text and
// binary-like data. Deterministic, so failures reproduce.
func testInputs() []testInput {
	r := newRand(1)
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	var in []testInput
	add := func(name string, b []byte) { in = append(in, testInput{name, b}) }
	add("empty", nil)
	add("one", []byte{'x'})
	add("two", []byte("ab"))
	add("three", []byte("abc"))
	add("four", []byte("abca"))
	add("zeros-1M", make([]byte, 1<<20))
	add("zeros-259", make([]byte, 259))
	add("random-100k", random(100000))
	add("random-70000", random(70000)) // over one stored block
	add("abc-repeat", bytes.Repeat([]byte("abc"), 50000))
	add("run-300", append(append([]byte("xy"), bytes.Repeat([]byte{'z'}, 300)...), "xy"...))
	far := random(40000)
	copy(far[32768+100:], far[100:400]) // a match at distance 32768 exactly
	copy(far[32767+1000:], far[1000:1300])
	add("far-32768", far)
	add("text", textLike(r, 300000))
	add("binary", binaryLike(r, 400000)) // over one chunk
	add("small-alphabet", smallAlphabet(r, 200000))
	return in
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 2)) }

// textLike makes text of words from a small vocabulary.
func textLike(r *rand.Rand, n int) []byte {
	words := []string{"the", "firmware", "block", "deflate", "of", "and", "squashfs", "a", "partition", "\n", "boot", "kernel", "to", "is"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.Bytes()[:n]
}

// binaryLike mixes copies of earlier data at all distances with noise and
// runs, as executables do.
func binaryLike(r *rand.Rand, n int) []byte {
	b := make([]byte, 0, n)
	for len(b) < n {
		switch k := r.IntN(10); {
		case k < 4 && len(b) > 8:
			d := 1 + r.IntN(min(len(b), 40000))
			l := 3 + r.IntN(30)
			for i := 0; i < l; i++ {
				b = append(b, b[len(b)-d])
			}
		case k < 5:
			b = append(b, bytes.Repeat([]byte{byte(r.IntN(3))}, r.IntN(600))...)
		default:
			for i := r.IntN(12); i >= 0; i-- {
				b = append(b, byte(r.IntN(256)>>r.IntN(8)))
			}
		}
	}
	return b[:n]
}

func smallAlphabet(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = "ACGT"[r.IntN(4)]
	}
	return b
}

// inflate decompresses a raw DEFLATE stream with compress/flate and
// klauspost's flate, checks they agree, and returns the result.
func inflate(t testing.TB, comp, dict []byte) []byte {
	t.Helper()
	got, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(comp), dict))
	if err != nil {
		t.Fatalf("compress/flate: %v", err)
	}
	got2, err := io.ReadAll(kflate.NewReaderDict(bytes.NewReader(comp), dict))
	if err != nil {
		t.Fatalf("klauspost flate: %v", err)
	}
	if !bytes.Equal(got, got2) {
		t.Fatalf("the two inflaters disagree")
	}
	return got
}

// compressWith writes data to a new Writer in pieces of step bytes,
// flushing after every flushEvery pieces (0: never).
func compressWith(t testing.TB, level int, dict, data []byte, step, flushEvery int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriterDict(&buf, level, dict)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := 0, 0; i < len(data); i, k = i+step, k+1 {
		if _, err := w.Write(data[i:min(i+step, len(data))]); err != nil {
			t.Fatal(err)
		}
		if flushEvery > 0 && k%flushEvery == flushEvery-1 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	// One level of each parse; TestOracleZlib has Go's inflaters check
	// every level too.
	levels := []int{1, 4, 9, 10, 12}
	for _, in := range testInputs() {
		for _, level := range levels {
			t.Run(fmt.Sprintf("%s/%d", in.name, level), func(t *testing.T) {
				comp := compressWith(t, level, nil, in.data, 1<<30, 0)
				if got := inflate(t, comp, nil); !bytes.Equal(got, in.data) {
					t.Fatalf("round trip differs: %d bytes in, %d out", len(in.data), len(got))
				}
			})
		}
	}
}
