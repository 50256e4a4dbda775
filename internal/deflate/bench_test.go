package deflate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	kflate "github.com/klauspost/compress/flate"
)

// The benchmarks compress the corpus (testdata/mkcorpus.sh) as SquashFS
// does, 128 KiB blocks each on its own, and as fwup does, 1 MiB chunks
// each with the 32 KiB before it as dictionary and a sync flush. Each
// iteration runs one encoder over all pieces, then zlib -9 through
// testdata/zlibbench.py over the same pieces (timing only its compress
// calls), so both see the same machine load; the reported ratios are of
// total sizes and of median times:
//
//	size/zlib8, time/zlib8  against memLevel 8 (mksquashfs's compress2)
//	size/zlib9, time/zlib9  against memLevel 9
//
// Run with e.g.
//
//	FIRMWRIGHT_DEFLATE_CORPUS=/tmp/deflate-corpus go test -run '^$' -bench . -benchtime 5x ./internal/deflate

// encoder compresses pieces and returns the total output size.
type encoder struct {
	name string
	run  func(ps []piece) int
}

func encoders(tb testing.TB, dict bool) []encoder {
	var es []encoder
	for _, level := range []int{9, 10, 12} {
		if dict {
			es = append(es, encoder{fmt.Sprintf("deflate-%d", level), oursStream(tb, level)})
		} else {
			es = append(es, encoder{fmt.Sprintf("deflate-%d", level), oursBlocks(tb, level)})
		}
	}
	for _, level := range []int{8, 9} {
		es = append(es, encoder{fmt.Sprintf("klauspost-%d", level), klauspost(tb, level)})
	}
	return es
}

// oursBlocks compresses each piece alone with a Compressor, as the
// SquashFS writer does.
func oursBlocks(tb testing.TB, level int) func([]piece) int {
	c, err := NewCompressor(level)
	if err != nil {
		tb.Fatal(err)
	}
	var out []byte
	return func(ps []piece) int {
		n := 0
		for _, p := range ps {
			out = c.AppendDeflate(out[:0], p.data)
			n += len(out)
		}
		return n
	}
}

// oursStream compresses each piece with its dictionary and a sync flush.
func oursStream(tb testing.TB, level int) func([]piece) int {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, level)
	if err != nil {
		tb.Fatal(err)
	}
	return func(ps []piece) int {
		n := 0
		for _, p := range ps {
			buf.Reset()
			w.ResetDict(&buf, p.dict)
			w.Write(p.data)
			w.Flush()
			n += buf.Len()
		}
		return n
	}
}

func klauspost(tb testing.TB, level int) func([]piece) int {
	var buf bytes.Buffer
	return func(ps []piece) int {
		n := 0
		for _, p := range ps {
			buf.Reset()
			w, err := kflate.NewWriterDict(&buf, level, p.dict)
			if err != nil {
				tb.Fatal(err)
			}
			w.Write(p.data)
			if p.dict != nil {
				w.Flush()
			} else {
				w.Close()
			}
			n += buf.Len()
		}
		return n
	}
}

// zlibHelper is a running testdata/zlibbench.py.
type zlibHelper struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startZlib(tb testing.TB, block, dict int, files []string) *zlibHelper {
	py := oracleTool(tb, "python3")
	args := append([]string{"testdata/zlibbench.py", strconv.Itoa(block), strconv.Itoa(dict), "9", "8,9"}, files...)
	cmd := exec.Command(py, args...)
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	h := &zlibHelper{cmd, in, bufio.NewScanner(out)}
	tb.Cleanup(func() { in.Close(); cmd.Wait() })
	return h
}

// run has zlib compress every piece once per memLevel: sizes and times.
func (h *zlibHelper) run(tb testing.TB) (sizes [2]int, secs [2]float64) {
	if _, err := io.WriteString(h.in, "run\n"); err != nil {
		tb.Fatal(err)
	}
	if !h.out.Scan() {
		tb.Fatalf("zlibbench.py: no answer: %v", h.out.Err())
	}
	f := strings.Fields(h.out.Text())
	for i := range 2 {
		sizes[i], _ = strconv.Atoi(f[2*i])
		secs[i], _ = strconv.ParseFloat(f[2*i+1], 64)
	}
	return sizes, secs
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// benchPieces runs each encoder against zlib on pieces of files.
func benchPieces(b *testing.B, block, dict int) {
	files := corpusFiles(b)
	ps := loadPieces(b, files, block, dict)
	total := 0
	for _, p := range ps {
		total += len(p.data)
	}
	for _, e := range encoders(b, dict > 0) {
		b.Run(e.name, func(b *testing.B) {
			h := startZlib(b, block, dict, files)
			var ours, z8, z9 []float64
			var size int
			var zs [2]int
			b.SetBytes(int64(total))
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				size = e.run(ps)
				ours = append(ours, time.Since(t0).Seconds())
				b.StopTimer()
				var secs [2]float64
				zs, secs = h.run(b)
				z8, z9 = append(z8, secs[0]), append(z9, secs[1])
				b.StartTimer()
			}
			b.ReportMetric(float64(size)/float64(zs[0]), "size/zlib8")
			b.ReportMetric(float64(size)/float64(zs[1]), "size/zlib9")
			b.ReportMetric(median(ours)/median(z8), "time/zlib8")
			b.ReportMetric(median(ours)/median(z9), "time/zlib9")
			b.ReportMetric(float64(total)/median(z8)/1e6, "zlib8-MB/s")
		})
	}
}

// BenchmarkSquashFSBlocks: 128 KiB blocks, each its own stream.
func BenchmarkSquashFSBlocks(b *testing.B) { benchPieces(b, 128<<10, 0) }

// BenchmarkFwupChunks: 1 MiB chunks with a 32 KiB dictionary, sync-flushed.
func BenchmarkFwupChunks(b *testing.B) { benchPieces(b, 1<<20, 32<<10) }
