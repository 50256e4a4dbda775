package vcdiff

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/oracle"
)

// The encoder benchmarks run ours and xdelta3 -9 side by side in one run,
// alternating, and report the medians' ratios (ours / xdelta3): patch
// size, encode time, decode time (of our patch, by our decoder and by
// xdelta3 -d), and each side's peak memory (RSS of a process doing just
// the encode). The 60 MB pair comes from testdata/mkbigpair, the
// example's rootfs pair from the 1.0.0 and 2.0.0 .fw files of
// examples/build-example:
//
//	fwup/vcdiff/testdata/mkbigpair /tmp/vcdiff-big
//	examples/build-example --system rpi4 /tmp/ex-out
//	VCDIFF_BIG=/tmp/vcdiff-big FIRMWRIGHT_EXAMPLE_OUT=/tmp/ex-out \
//	    go test -run '^$' -bench VsXdelta3 -benchtime 5x ./fwup/vcdiff/

// benchSourceWindow matches xdelta3's default -B (64 MiB), so that both
// sides may copy from the same span of source; the -B8M benchmarks run
// both with fwup's usual 8 MiB instead.
const benchSourceWindow = 64 << 20

// benchSide is one configuration of both encoders.
type benchSide struct {
	sourceWindow int64
	xdeltaFlags  []string
}

var benchSides = map[string]benchSide{
	"":     {benchSourceWindow, nil},
	"-B8M": {8 << 20, []string{"-B", "8388608"}},
}

func BenchmarkVsXdelta3(b *testing.B) {
	xd := oracle.Tool(b, "xdelta3")
	for _, name := range []string{"", "-B8M"} {
		side := benchSides[name]
		b.Run("squashfs-small"+name, func(b *testing.B) {
			v1, v2 := squashfsPair(b, 3)
			benchPair(b, xd, side, v1, v2)
		})
		b.Run("squashfs-60MB"+name, func(b *testing.B) {
			dir := os.Getenv("VCDIFF_BIG")
			v1, err1 := os.ReadFile(filepath.Join(dir, "v1.sqfs"))
			v2, err2 := os.ReadFile(filepath.Join(dir, "v2.sqfs"))
			if dir == "" || err1 != nil || err2 != nil {
				b.Skip("set VCDIFF_BIG to the output of testdata/mkbigpair")
			}
			benchPair(b, xd, side, v1, v2)
		})
		b.Run("example"+name, func(b *testing.B) {
			out := os.Getenv("FIRMWRIGHT_EXAMPLE_OUT")
			if out == "" {
				b.Skip("set FIRMWRIGHT_EXAMPLE_OUT to the output folder of examples/build-example")
			}
			v1 := fwRootfs(b, filepath.Join(out, "hello.fw"))
			v2 := fwRootfs(b, filepath.Join(out, "hello-v2.fw"))
			benchPair(b, xd, side, v1, v2)
		})
	}
}

// fwRootfs is the rootfs.img resource of the .fw at path.
func fwRootfs(b *testing.B, path string) []byte {
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("data/rootfs.img")
	if err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	return data
}

func benchPair(b *testing.B, xd string, side benchSide, v1, v2 []byte) {
	dir := b.TempDir()
	s, g := filepath.Join(dir, "v1"), filepath.Join(dir, "v2")
	ours, theirs := filepath.Join(dir, "ours.vcdiff"), filepath.Join(dir, "xdelta3.vcdiff")
	writeFile(b, s, v1)
	writeFile(b, g, v2)
	opts := EncodeOptions{SourceWindow: side.sourceWindow}
	xdEncode := append(append([]string{"-9", "-A", "-S", "none"}, side.xdeltaFlags...), "-e", "-f", "-s", s, g, theirs)
	var encOurs, encXd, decOurs, decXd []time.Duration
	var patch []byte
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		patch = encodeFiles(b, s, g, opts)
		encOurs = append(encOurs, time.Since(start))
		encXd = append(encXd, runTimed(b, xd, xdEncode...))
		writeFile(b, ours, patch)
		start = time.Now()
		decodeFile(b, s, ours)
		decOurs = append(decOurs, time.Since(start))
		decXd = append(decXd, runTimed(b, xd, "-d", "-f", "-s", s, ours, filepath.Join(dir, "out")))
	}
	b.StopTimer()
	xdPatch, err := os.ReadFile(theirs)
	if err != nil {
		b.Fatal(err)
	}
	checkDecodeTB(b, patch, v1, v2)
	b.ReportMetric(float64(len(patch))/float64(len(xdPatch)), "size-ratio")
	b.ReportMetric(float64(len(patch)), "our-patch-bytes")
	b.ReportMetric(float64(len(xdPatch)), "xdelta3-patch-bytes")
	b.ReportMetric(ratio(encOurs, encXd), "encode-time-ratio")
	b.ReportMetric(median(encOurs).Seconds(), "our-encode-s")
	b.ReportMetric(median(encXd).Seconds(), "xdelta3-encode-s")
	b.ReportMetric(ratio(decOurs, decXd), "decode-time-ratio")
	sw := strconv.FormatInt(side.sourceWindow, 10)
	b.ReportMetric(float64(peakRSS(b, os.Args[0], "-test.run=^TestEncodeHelper$", s, g, ours, sw))/1024, "our-encode-peak-MiB")
	b.ReportMetric(float64(peakRSS(b, xd, xdEncode...))/1024, "xdelta3-encode-peak-MiB")
	b.ReportMetric(float64(peakRSS(b, os.Args[0], "-test.run=^TestDecodeHelper$", s, ours))/1024, "our-decode-peak-MiB")
	b.ReportMetric(float64(peakRSS(b, xd, "-d", "-f", "-s", s, ours, filepath.Join(dir, "out")))/1024, "xdelta3-decode-peak-MiB")
}

func encodeFiles(t testing.TB, src, tgt string, opts EncodeOptions) []byte {
	sf, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	tf, err := os.Open(tgt)
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	st, err := sf.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Encode(&out, sf, st.Size(), tf, opts); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func decodeFile(t testing.TB, src, patch string) {
	sf, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	pf, err := os.Open(patch)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	st, err := sf.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, NewReader(pf, sf, st.Size())); err != nil {
		t.Fatal(err)
	}
}

// TestEncodeHelper and TestDecodeHelper are the benchmark's processes for
// measuring our peak memory: they do one encode or decode of the files
// named after the test flags, and nothing when run as tests.
func TestEncodeHelper(t *testing.T) {
	args := helperArgs()
	if len(args) != 4 {
		t.Skip("helper process for BenchmarkVsXdelta3")
	}
	sw, err := strconv.ParseInt(args[3], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, args[2], encodeFiles(t, args[0], args[1], EncodeOptions{SourceWindow: sw}))
}

func TestDecodeHelper(t *testing.T) {
	args := helperArgs()
	if len(args) != 2 {
		t.Skip("helper process for BenchmarkVsXdelta3")
	}
	decodeFile(t, args[0], args[1])
}

func helperArgs() []string {
	if os.Getenv("VCDIFF_HELPER") != "1" {
		return nil
	}
	i := slices.Index(os.Args, "--")
	if i < 0 {
		return nil
	}
	return os.Args[i+1:]
}

func runTimed(t testing.TB, name string, args ...string) time.Duration {
	start := time.Now()
	if msg, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, msg)
	}
	return time.Since(start)
}

// peakRSS runs a command once and returns its peak resident set in KiB.
// It runs it from a small helper process, because a child's reported peak
// includes the memory of the process that forked it (the benchmark's own,
// holding both images).
func peakRSS(t testing.TB, name string, args ...string) int64 {
	if name == os.Args[0] {
		args = append([]string{args[0], "--"}, args[1:]...)
	}
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestRSSHelper$", "--", name}, args...)...)
	cmd.Env = append(os.Environ(), "VCDIFF_HELPER=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	var kib int64
	i := bytes.Index(out, []byte("maxrss "))
	if i < 0 {
		t.Fatalf("%s: no maxrss in %s", name, out)
	}
	if _, err := fmt.Sscanf(string(out[i:]), "maxrss %d", &kib); err != nil {
		t.Fatal(err)
	}
	return kib
}

// TestRSSHelper runs the command after "--" and prints its peak RSS.
func TestRSSHelper(t *testing.T) {
	args := helperArgs()
	if len(args) == 0 {
		t.Skip("helper process for BenchmarkVsXdelta3")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "VCDIFF_HELPER=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	fmt.Printf("maxrss %d\n", cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b []time.Duration) float64 { return float64(median(a)) / float64(median(b)) }

func checkDecodeTB(t testing.TB, patch, src, want []byte) {
	got, err := decodeAll(patch, src)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("our patch does not round-trip: %v", err)
	}
}
