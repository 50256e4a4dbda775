//go:build linux

package main

// Benchmarks for .fw creation. They build the firmwright binary, generate
// a resource set and time `firmwright fwup -c` on it as a separate process,
// and, when FIRMWRIGHT_REF_FWUP names a real fwup, the same command of
// real fwup on the same config, in the same run:
//
//	go test ./cmd/firmwright -run '^$' -bench Create -benchtime 3x
//	FIRMWRIGHT_REF_FWUP=/path/to/fwup go test ./cmd/firmwright -run '^$' -bench Create -benchtime 3x
//
// ns/op is firmwright's wall time alone. Extra metrics: firmwright-s and
// fwup-s (median wall seconds per create), fwup/firmwright (the median of
// fwup's time over ours in each iteration: above 1 means we are faster),
// *-peak-MB (largest peak RSS over the runs) and *-fw-MB (archive size).
//
// Peak RSS is the child's ru_maxrss. A child that Go starts directly
// reports at least the benchmark process's own peak RSS (Go spawns with
// vfork, and Linux carries the old address space's high-water mark
// across exec), so the command runs under GNU time (/usr/bin/time), whose
// properly forked child reports its own. Without GNU time the benchmark
// falls back to ProcessState.SysUsage, an upper bound, and says so.

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkCreate60MB creates a .fw from a Raspberry Pi-like resource set
// of about 60 MB.
func BenchmarkCreate60MB(b *testing.B) {
	benchCreate(b, []benchFile{
		{name: "bootcode.bin", size: 52 << 10, mix: codeMix, fat: "bootcode.bin"},
		{name: "start.elf", size: 3 << 20, mix: firmwareMix, fat: "start.elf"},
		{name: "fixup.dat", size: 7 << 10, mix: codeMix, fat: "fixup.dat"},
		{name: "config.txt", size: 1500, mix: textMix, fat: "config.txt"},
		{name: "cmdline.txt", size: 120, mix: textMix, fat: "cmdline.txt"},
		{name: "bcm2708-rpi-zero-w.dtb", size: 30 << 10, mix: codeMix, fat: "bcm2708-rpi-zero-w.dtb"},
		{name: "bcm2710-rpi-3-b.dtb", size: 31 << 10, mix: codeMix, fat: "bcm2710-rpi-3-b.dtb"},
		{name: "overlays/dwc2.dtbo", size: 1500, mix: codeMix, fat: "overlays/dwc2.dtbo"},
		{name: "zImage", size: 8 << 20, mix: kernelMix, fat: "zImage"},
		{name: "rootfs.img", size: 48 << 20, mix: rootfsMix},
	}, 0)
}

// BenchmarkCreate1GB creates a .fw holding a 1 GiB rootfs and fails if
// firmwright's peak RSS exceeds 64 MiB.
func BenchmarkCreate1GB(b *testing.B) {
	benchCreate(b, []benchFile{
		{name: "config.txt", size: 1500, mix: textMix, fat: "config.txt"},
		{name: "rootfs.img", size: 1 << 30, mix: rootfsMix},
	}, 64<<10)
}

// benchFile is one generated resource: fat names its path in the boot
// partition; without it the resource is raw-written to the rootfs
// partition.
type benchFile struct {
	name string
	size int64
	mix  pageMix
	fat  string
}

// pageMix weighs the kinds of 4 KiB page a generated file is made of.
type pageMix struct{ random, text, code, sparse, repeat int }

var (
	// rootfsMix is an uncompressed root filesystem: text, machine code,
	// already-compressed files, mostly-empty metadata blocks, duplicates.
	rootfsMix   = pageMix{random: 20, text: 30, code: 30, sparse: 10, repeat: 10}
	kernelMix   = pageMix{random: 95, code: 5} // a compressed kernel
	firmwareMix = pageMix{random: 30, code: 70}
	codeMix     = pageMix{random: 10, code: 80, sparse: 10}
	textMix     = pageMix{text: 1}
)

const benchPage = 4096

var benchWords = strings.Fields(`the of and to in is for on with as by at from that this be are
or it an was not which have has config kernel module device driver usr lib bin etc share
include firmware boot init system network interface address option value default enable
disable error warning info debug file path name size type version release build nerves
elixir erlang beam app priv ebin start stop run daemon service socket buffer memory
0 1 2 3 4 5 6 7 8 9 10 16 32 64 128 256 512 1024 4096 0x0 0xff true false null { } ( ) ; =`)

// genFile writes a deterministic pseudo-random file of size bytes.
func genFile(path string, size int64, mix pageMix, seed uint64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	total := mix.random + mix.text + mix.code + mix.sparse + mix.repeat
	chunk := make([]byte, 0, 1<<20)
	page := make([]byte, benchPage)
	for written := int64(0); written < size; {
		chunk = chunk[:0]
		for len(chunk) < cap(chunk) {
			fillPage(rng, page, pickKind(rng.IntN(total), mix), chunk)
			chunk = append(chunk, page...)
		}
		n := min(int64(len(chunk)), size-written)
		if _, err := f.Write(chunk[:n]); err != nil {
			f.Close()
			return err
		}
		written += n
	}
	return f.Close()
}

func pickKind(x int, m pageMix) int {
	for kind, w := range []int{m.random, m.text, m.code, m.sparse, m.repeat} {
		if x < w {
			return kind
		}
		x -= w
	}
	return 0
}

// fillPage fills page with one kind of content; prev is what was
// generated before it in the chunk (the source of repeated pages).
func fillPage(rng *rand.Rand, page []byte, kind int, prev []byte) {
	switch kind {
	case 1: // text
		p := page[:0]
		for len(p) < len(page) {
			w := benchWords[rng.IntN(len(benchWords))]
			sep := byte(' ')
			if rng.IntN(10) == 0 {
				sep = '\n'
			}
			p = append(append(p, w...), sep)
		}
		copy(page, p)
	case 2: // code: 32-bit instructions from a few opcodes
		ops := [...]uint32{0xe1a00000, 0xe3a00000, 0xe5900000, 0xe5800000, 0xeb000000, 0xe12fff1e, 0xe92d4000, 0xe8bd8000}
		for i := 0; i < len(page); i += 4 {
			v := ops[rng.IntN(len(ops))] | rng.Uint32()&0xfff
			page[i], page[i+1], page[i+2], page[i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
	case 3: // sparse: zeros with a few scattered bytes
		clear(page)
		for range 16 {
			page[rng.IntN(len(page))] = byte(rng.Uint32())
		}
	case 4: // repeat a recent page
		if n := len(prev) / benchPage; n > 0 {
			k := 1 + rng.IntN(min(n, 8))
			copy(page, prev[len(prev)-k*benchPage:])
			return
		}
		fallthrough
	default: // random
		for i := 0; i < len(page); i += 8 {
			v := rng.Uint64()
			for j := range 8 {
				page[i+j] = byte(v >> (8 * j))
			}
		}
	}
}

// benchConf is a fwup.conf naming files: an MBR, a FAT boot partition
// for the files with a FAT name and a raw rootfs partition for the rest.
func benchConf(files []benchFile) string {
	var res, on strings.Builder
	for _, f := range files {
		fmt.Fprintf(&res, "file-resource %s { host-path = \"%s\" }\n", f.name, f.name)
		if f.fat != "" {
			fmt.Fprintf(&on, "    on-resource %s { fat_write(${BOOT_OFFSET}, \"%s\") }\n", f.name, f.fat)
		} else {
			fmt.Fprintf(&on, "    on-resource %s { raw_write(${ROOTFS_OFFSET}) }\n", f.name)
		}
	}
	return `meta-product = "Bench"
meta-description = "firmwright create benchmark"
meta-version = "1.0.0"
meta-platform = "rpi0"
meta-architecture = "arm"
meta-author = "firmwright"

define(BOOT_OFFSET, 2048)
define(BOOT_COUNT, 131072)
define-eval(ROOTFS_OFFSET, "${BOOT_OFFSET} + ${BOOT_COUNT}")
define(ROOTFS_COUNT, 4194304)

mbr mbr-a {
    partition 0 {
        block-offset = ${BOOT_OFFSET}
        block-count = ${BOOT_COUNT}
        type = 0xc
        boot = true
    }
    partition 1 {
        block-offset = ${ROOTFS_OFFSET}
        block-count = ${ROOTFS_COUNT}
        type = 0x83
    }
}

` + res.String() + `
task complete {
    on-init {
        mbr_write(mbr-a)
        fat_mkfs(${BOOT_OFFSET}, ${BOOT_COUNT})
        fat_setlabel(${BOOT_OFFSET}, "BOOT")
        fat_mkdir(${BOOT_OFFSET}, "overlays")
    }
` + on.String() + `}
`
}

// benchCreate generates files and a config in a temporary directory,
// then times our create (and real fwup's, when FIRMWRIGHT_REF_FWUP is
// set) once per iteration. maxKB > 0 fails the benchmark when our peak
// RSS exceeds it.
func benchCreate(b *testing.B, files []benchFile, maxKB int64) {
	dir := b.TempDir()
	ours := filepath.Join(dir, "firmwright")
	build := exec.Command("go", "build", "-o", ours, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	var total int64
	for i, f := range files {
		if err := genFile(filepath.Join(data, f.name), f.size, f.mix, uint64(i+1)); err != nil {
			b.Fatal(err)
		}
		total += f.size
	}
	if err := os.WriteFile(filepath.Join(data, "fwup.conf"), []byte(benchConf(files)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	ref := os.Getenv("FIRMWRIGHT_REF_FWUP")
	rss := newRSSMeter(b, dir)

	var oursRuns, refRuns benchRuns
	args := []string{"-c", "-f", "fwup.conf", "-o"}
	for b.Loop() {
		oursRuns.run(b, rss, data, "firmwright.fw", ours, append([]string{"fwup"}, append(args, "firmwright.fw")...)...)
		if ref != "" {
			b.StopTimer()
			refRuns.run(b, rss, data, "fwup.fw", ref, append(args, "fwup.fw")...)
			b.StartTimer()
		}
	}
	oursRuns.report(b, "firmwright")
	reportFileMB(b, filepath.Join(data, "firmwright.fw"), "firmwright-fw-MB")
	if ref != "" {
		refRuns.report(b, "fwup")
		reportFileMB(b, filepath.Join(data, "fwup.fw"), "fwup-fw-MB")
		reportRatio(b, "fwup/firmwright", &refRuns, &oursRuns)
	}
	if maxKB > 0 && oursRuns.peakKB > maxKB {
		b.Fatalf("firmwright's peak RSS is %.1f MiB, more than %d MiB", float64(oursRuns.peakKB)/1024, maxKB>>10)
	}
}

// reportFileMB adds the size of the file at path in MiB as metric name.
func reportFileMB(b *testing.B, path, name string) {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size())/(1<<20), name)
}

// rssMeter runs commands and measures their peak RSS in KiB.
type rssMeter struct {
	gnuTime string // /usr/bin/time if it is GNU time, else ""
	file    string // where GNU time writes %M
}

func newRSSMeter(b *testing.B, dir string) *rssMeter {
	m := &rssMeter{file: filepath.Join(dir, "maxrss")}
	if err := exec.Command("/usr/bin/time", "-f", "%M", "-o", m.file, "true").Run(); err == nil {
		m.gnuTime = "/usr/bin/time"
	} else {
		b.Logf("GNU time (/usr/bin/time) unusable (%v): peak RSS from ProcessState.SysUsage, which is at least this benchmark process's own peak RSS", err)
	}
	return m
}

func (m *rssMeter) run(dir, prog string, args ...string) (int64, error) {
	cmd := exec.Command(prog, args...)
	if m.gnuTime != "" {
		cmd = exec.Command(m.gnuTime, append([]string{"-f", "%M", "-o", m.file, prog}, args...)...)
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%v\n%s", err, out)
	}
	if m.gnuTime == "" {
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			return 0, nil
		}
		return ru.Maxrss, nil
	}
	f, err := os.Open(m.file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var last string
	for sc.Scan() {
		last = sc.Text() // GNU time puts a status line first when the command fails
	}
	return strconv.ParseInt(strings.TrimSpace(last), 10, 64)
}
