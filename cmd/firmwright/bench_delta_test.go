//go:build linux

package main

// BenchmarkApplyDelta applies a delta update (an A/B upgrade whose
// resources are xdelta3 patches made by firmwright patch) to a card on
// v1, firmwright and, when FIRMWRIGHT_REF_FWUP names a real fwup, fwup on
// the same patch, alternately in one run:
//
//	fwup/vcdiff/testdata/mkbigpair /tmp/vcdiff-big
//	examples/build-example --system rpi4 /tmp/ex-out
//	FIRMWRIGHT_DELTA_PAIR=/tmp/vcdiff-big FIRMWRIGHT_EXAMPLE_OUT=/tmp/ex-out \
//	FIRMWRIGHT_REF_FWUP=/path/to/fwup \
//	    go test ./cmd/firmwright -run '^$' -bench ApplyDelta -benchtime 5x
//
// rootfs-pair patches a rootfs.img and a zImage; example is the example
// app's 1.0.0 to 2.0.0 update on the rpi4 system.
//
// The rootfs pair is FIRMWRIGHT_DELTA_PAIR's v1.sqfs and v2.sqfs (two
// SquashFS builds of about 60 MB) or, without it, a generated 48 MB file
// and a copy with 5% of its pages rewritten and 100 bytes inserted a
// third of the way in. Metrics: *-s (median wall seconds), *-peak-MB,
// fwup/firmwright (median of the per-iteration ratios: above 1 means we
// are faster) and patch-MB. Both programs must leave the same ROOTFS-B.

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/firmwright/firmwright/internal/fatslack"
)

func BenchmarkApplyDelta(b *testing.B) {
	ours := buildOurs(b)
	b.Run("rootfs-pair", func(b *testing.B) { benchDeltaPair(b, ours) })
	b.Run("example", func(b *testing.B) { benchDeltaExample(b, ours) })
}

// benchDeltaPair applies a patch of the rootfs pair and a changed zImage.
func benchDeltaPair(b *testing.B, ours string) {
	dir := b.TempDir()
	v1, v2 := filepath.Join(dir, "v1"), filepath.Join(dir, "v2")
	deltaRootfsPair(b, v1, v2)
	for i, v := range []string{v1, v2} {
		// zImage: v2's differs from v1's in a few pages.
		if err := genFile(filepath.Join(v, "zImage"), 8<<20, kernelMix, 7); err != nil {
			b.Fatal(err)
		}
		if i == 1 {
			scramblePages(b, filepath.Join(v, "zImage"), 20)
		}
		if err := os.WriteFile(filepath.Join(v, "fwup.conf"), []byte(deltaBenchConf), 0o644); err != nil {
			b.Fatal(err)
		}
		create := exec.Command(ours, "fwup", "-c", "-f", "fwup.conf", "-o", v+".fw")
		create.Dir = v
		if out, err := create.CombinedOutput(); err != nil {
			b.Fatalf("create: %v\n%s", err, out)
		}
	}
	runIn(b, dir, ours, "patch", "v1.fw", "v2.fw", "-o", "patch.fw")
	runIn(b, dir, ours, "fwup", "-a", "-q", "-i", "v1.fw", "-t", "complete", "-d", "card-v1.img")
	want := readRegion(b, filepath.Join(v2, "rootfs.img"), 0)
	benchDeltaApply(b, ours, dir, "card-v1.img", "patch.fw", func(prog, img string) {
		if got := readRegion(b, img, deltaBenchRootfsB*512)[:len(want)]; !bytes.Equal(got, want) {
			b.Fatalf("%s: ROOTFS-B is not v2's rootfs.img", prog)
		}
	})
}

// benchDeltaExample applies examples/build-example's hello-v2.patch.fw
// to its hello.img (FIRMWRIGHT_EXAMPLE_OUT names the output folder): the
// rpi4 system's own upgrade task. The result must be what the full
// hello-v2.fw makes, FAT slack masked. The upgrade tasks require the
// running root filesystem at "/" (require-path-at-offset), which only a
// device has, so the benchmark applies copies of both .fw files without
// that requirement.
func benchDeltaExample(b *testing.B, ours string) {
	out := os.Getenv("FIRMWRIGHT_EXAMPLE_OUT")
	if out == "" {
		b.Skip("needs FIRMWRIGHT_EXAMPLE_OUT (the output folder of examples/build-example --system rpi4)")
	}
	dir := b.TempDir()
	src, err := filepath.Abs(filepath.Join(out, "hello.img"))
	if err != nil {
		b.Fatal(err)
	}
	runIn(b, dir, "cp", "--sparse=always", src, "hello.img")
	for _, f := range []string{"hello-v2.fw", "hello-v2.patch.fw"} {
		withoutPathRequirement(b, filepath.Join(out, f), filepath.Join(dir, f))
	}
	runIn(b, dir, "cp", "--sparse=always", "hello.img", "full.img")
	runIn(b, dir, ours, "fwup", "-a", "-q", "-i", "hello-v2.fw", "-t", "upgrade", "-d", "full.img")
	want := maskedSum(b, filepath.Join(dir, "full.img"))
	benchDeltaApply(b, ours, dir, "hello.img", "hello-v2.patch.fw", func(prog, img string) {
		if maskedSum(b, img) != want {
			b.Fatalf("%s: the patched card differs from the one hello-v2.fw makes", prog)
		}
	})
}

// benchDeltaApply times the upgrade task of patch on a copy of card,
// ours and real fwup alternately, and checks each result once.
func benchDeltaApply(b *testing.B, ours, dir, card, patch string, check func(prog, img string)) {
	ref := os.Getenv("FIRMWRIGHT_REF_FWUP")
	rss := newRSSMeter(b, dir)
	upgrade := []string{"-a", "-q", "-i", patch, "-t", "upgrade", "-d"}
	var oursRuns, refRuns benchRuns
	for b.Loop() {
		b.StopTimer()
		runIn(b, dir, "cp", "--sparse=always", card, "ours.img")
		b.StartTimer()
		oursRuns.run(b, rss, dir, "", ours, append([]string{"fwup"}, append(upgrade, "ours.img")...)...)
		if ref != "" {
			b.StopTimer()
			runIn(b, dir, "cp", "--sparse=always", card, "fwup.img")
			refRuns.run(b, rss, dir, "", ref, append(upgrade, "fwup.img")...)
			b.StartTimer()
		}
	}
	oursRuns.report(b, "firmwright")
	reportFileMB(b, filepath.Join(dir, patch), "patch-MB")
	check("firmwright", filepath.Join(dir, "ours.img"))
	if ref != "" {
		refRuns.report(b, "fwup")
		reportRatio(b, "fwup/firmwright", &refRuns, &oursRuns)
		check("fwup", filepath.Join(dir, "fwup.img"))
	}
}

func runIn(b *testing.B, dir, prog string, args ...string) {
	b.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
}

func maskedSum(b *testing.B, path string) string {
	b.Helper()
	img, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return fatslack.MaskedSHA256(img)
}

// deltaRootfsPair puts rootfs.img into v1 and v2.
func deltaRootfsPair(b *testing.B, v1, v2 string) {
	b.Helper()
	for _, d := range []string{v1, v2} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	if pair := os.Getenv("FIRMWRIGHT_DELTA_PAIR"); pair != "" {
		for _, c := range [][2]string{{"v1.sqfs", v1}, {"v2.sqfs", v2}} {
			data, err := os.ReadFile(filepath.Join(pair, c[0]))
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(c[1], "rootfs.img"), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	old := filepath.Join(v1, "rootfs.img")
	if err := genFile(old, 48<<20, rootfsMix, 11); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(old)
	if err != nil {
		b.Fatal(err)
	}
	at := len(data) / 3
	data = append(data[:at:at], append(bytes.Repeat([]byte{0x5a}, 100), data[at:]...)...)
	nu := filepath.Join(v2, "rootfs.img")
	if err := os.WriteFile(nu, data, 0o644); err != nil {
		b.Fatal(err)
	}
	scramblePages(b, nu, 20)
}

// scramblePages rewrites one 4 KiB page in every `every` of the file at
// path with random bytes.
func scramblePages(b *testing.B, path string, every int) {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for p := 0; p+benchPage <= len(data); p += benchPage {
		if rng.IntN(every) == 0 {
			for i := p; i < p+benchPage; i += 8 {
				v := rng.Uint64()
				for k := range 8 {
					data[i+k] = byte(v >> (8 * k))
				}
			}
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

func readRegion(b *testing.B, path string, off int64) []byte {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 128<<20)
	n, _ := f.ReadAt(buf, off)
	return buf[:n]
}

// The delta benchmark's layout: two 32 MiB boot partitions and two
// 128 MiB root filesystems.
const (
	deltaBenchBootA   = 2048
	deltaBenchBootB   = deltaBenchBootA + 65536
	deltaBenchRootfsA = deltaBenchBootB + 65536
	deltaBenchRootfsB = deltaBenchRootfsA + 262144
)

var deltaBenchConf = fmt.Sprintf(`meta-product = "Bench"
meta-description = "firmwright delta benchmark"
meta-version = "1.0.0"
meta-platform = "rpi4"
meta-architecture = "aarch64"
meta-author = "firmwright"
require-fwup-version = "1.10.0"

define(BOOT_A, %d)
define(BOOT_B, %d)
define(BOOT_COUNT, 65536)
define(ROOTFS_A, %d)
define(ROOTFS_B, %d)
define(ROOTFS_COUNT, 262144)

file-resource zImage { host-path = "zImage" }
file-resource rootfs.img { host-path = "rootfs.img" }

task complete {
    on-init {
        fat_mkfs(${BOOT_A}, ${BOOT_COUNT})
        fat_mkfs(${BOOT_B}, ${BOOT_COUNT})
    }
    on-resource zImage { fat_write(${BOOT_A}, "zImage") }
    on-resource rootfs.img { raw_write(${ROOTFS_A}) }
}

task upgrade {
    on-init { fat_mkfs(${BOOT_B}, ${BOOT_COUNT}) }
    on-resource zImage {
        delta-source-fat-offset = ${BOOT_A}
        delta-source-fat-path = "zImage"
        fat_write(${BOOT_B}, "zImage")
    }
    on-resource rootfs.img {
        delta-source-raw-offset = ${ROOTFS_A}
        delta-source-raw-count = ${ROOTFS_COUNT}
        raw_write(${ROOTFS_B})
    }
}
`, deltaBenchBootA, deltaBenchBootB, deltaBenchRootfsA, deltaBenchRootfsB)

// requirePath is require-path-at-offset in a canonical meta.conf's
// reqlist.
var requirePath = regexp.MustCompile(`3,"require-path-at-offset","[^"]*",[0-9]+,`)

// withoutPathRequirement copies the .fw at in to out with every
// require-path-at-offset taken out of its meta.conf; the other entries
// are copied as they are, compressed.
func withoutPathRequirement(b *testing.B, in, out string) {
	b.Helper()
	zr, err := zip.OpenReader(in)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	f, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		if err := copyEntry(zw, e); err != nil {
			b.Fatalf("%s: %s: %v", in, e.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
}

func copyEntry(zw *zip.Writer, e *zip.File) error {
	h := e.FileHeader
	h.Flags &^= 0x8 // sizes in the local header: fwup reads the archive as a stream
	if e.Name != "meta.conf" {
		raw, err := e.OpenRaw()
		if err != nil {
			return err
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, raw)
		return err
	}
	rc, err := e.Open()
	if err != nil {
		return err
	}
	conf, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	conf = requirePath.ReplaceAll(conf, nil)
	h.Method, h.CRC32, h.UncompressedSize64, h.CompressedSize64 = zip.Store, crc32.ChecksumIEEE(conf), uint64(len(conf)), uint64(len(conf))
	w, err := zw.CreateRaw(&h)
	if err != nil {
		return err
	}
	_, err = w.Write(conf)
	return err
}
