package deflate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestCorpusReport prints, per corpus file, our size and time at the
// levels in FIRMWRIGHT_DEFLATE_LEVELS (default 9) against zlib -9's, on
// 128 KiB blocks: the quick look used while tuning. The benchmarks are
// the careful measure.
func TestCorpusReport(t *testing.T) {
	files := corpusFiles(t)
	lv := os.Getenv("FIRMWRIGHT_DEFLATE_LEVELS")
	if lv == "" {
		t.Skip("FIRMWRIGHT_DEFLATE_LEVELS is not set")
	}
	overrideParams(t)
	if os.Getenv("FIRMWRIGHT_DEFLATE_REPS") != "" {
		reportReps, _ = strconv.Atoi(os.Getenv("FIRMWRIGHT_DEFLATE_REPS"))
	}
	py := oracleTool(t, "python3")
	var totZ, totZt float64
	tot := map[int][2]float64{}
	for _, f := range files {
		zs, zt := zlibCached(t, py, f)
		totZ += float64(zs)
		totZt += zt
		ps := loadPieces(t, []string{f}, 131072, 0)
		for _, ls := range strings.Split(lv, ",") {
			level, _ := strconv.Atoi(ls)
			c, err := NewCompressor(level)
			if err != nil {
				t.Fatal(err)
			}
			var out []byte
			n := 0
			el := 1e9
			for rep := 0; rep < reportReps; rep++ {
				n = 0
				t0 := cpuSeconds()
				for _, p := range ps {
					out = c.AppendDeflate(out[:0], p.data)
					n += len(out)
				}
				el = min(el, cpuSeconds()-t0)
			}
			a := tot[level]
			tot[level] = [2]float64{a[0] + float64(n), a[1] + el}
			fmt.Printf("%-10s L%-2d size %.4f×zlib  time %.3f×zlib (%.1f MB/s)\n", f[strings.LastIndex(f, "/")+1:], level,
				float64(n)/float64(zs), el/zt, float64(len(ps))*131072/el/1e6)
		}
	}
	for _, ls := range strings.Split(lv, ",") {
		level, _ := strconv.Atoi(ls)
		fmt.Printf("TOTAL      L%-2d size %.4f×zlib  time %.3f×zlib\n", level, tot[level][0]/totZ, tot[level][1]/totZt)
	}
}

// overrideParams applies FIRMWRIGHT_DEFLATE_PARAMS, such as
// "9:chain=256,nice=128", to the level table for this test.
func overrideParams(t *testing.T) {
	spec := os.Getenv("FIRMWRIGHT_DEFLATE_PARAMS")
	if spec == "" {
		return
	}
	saved := levels
	t.Cleanup(func() { levels = saved })
	for _, one := range strings.Split(spec, ";") {
		l, kvs, _ := strings.Cut(one, ":")
		level, _ := strconv.Atoi(l)
		p := &levels[level]
		for _, kv := range strings.Split(kvs, ",") {
			k, v, _ := strings.Cut(kv, "=")
			n, _ := strconv.Atoi(v)
			switch k {
			case "chain":
				p.chain = n
			case "nice":
				p.nice = n
			case "good":
				p.good = n
			case "lazy":
				p.lazy = n
			case "passes":
				p.passes = n
			case "rounds":
				p.rounds = n
			case "seg":
				p.seg = n
			default:
				t.Fatalf("unknown parameter %q", k)
			}
		}
	}
}

// cpuSeconds is the CPU time this process has used: steadier than the
// clock on a machine shared with other work, for comparing our variants.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// reportReps is how many times the report compresses each file, keeping
// the fastest: other work on the machine only ever slows a run down.
var reportReps = 3

// zlibCached is zlibRun on 128 KiB blocks, remembered in
// $TMPDIR/deflate-zlib-cache across runs of the report.
func zlibCached(t testing.TB, py, f string) (int, float64) {
	cache := filepath.Join(os.TempDir(), "deflate-zlib-cache", strings.ReplaceAll(f, "/", "_"))
	if b, err := os.ReadFile(cache); err == nil {
		var s int
		var sec float64
		if _, err := fmt.Sscan(string(b), &s, &sec); err == nil {
			return s, sec
		}
	}
	s, sec := zlibRun(t, py, 131072, 0, 9, 8, f)
	for rep := 1; rep < 3; rep++ {
		_, sec2 := zlibRun(t, py, 131072, 0, 9, 8, f)
		sec = min(sec, sec2)
	}
	os.MkdirAll(filepath.Dir(cache), 0o755)
	os.WriteFile(cache, []byte(fmt.Sprint(s, sec)), 0o644)
	return s, sec
}

// zlibRun runs testdata/zlibbench.py once and returns its size and time.
func zlibRun(t testing.TB, py string, block, dict, level, memLevel int, files ...string) (int, float64) {
	args := append([]string{"testdata/zlibbench.py", strconv.Itoa(block), strconv.Itoa(dict), strconv.Itoa(level), strconv.Itoa(memLevel)}, files...)
	cmd := exec.Command(py, args...)
	cmd.Stdin = strings.NewReader("run\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	s, _ := strconv.Atoi(f[0])
	sec, _ := strconv.ParseFloat(f[1], 64)
	return s, sec
}
