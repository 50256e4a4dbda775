//go:build linux

package main

// BenchmarkApplyDelta applies a delta update (an A/B upgrade whose
// rootfs.img and zImage are xdelta3 patches made by firmwright patch) to
// a card on v1, firmwright and, when FIRMWRIGHT_REF_FWUP names a real
// fwup, fwup on the same patch, alternately in one run:
//
//	fwup/vcdiff/testdata/mkbigpair /tmp/vcdiff-big
//	FIRMWRIGHT_DELTA_PAIR=/tmp/vcdiff-big FIRMWRIGHT_REF_FWUP=/path/to/fwup \
//	    go test ./cmd/firmwright -run '^$' -bench ApplyDelta -benchtime 5x
//
// The rootfs pair is FIRMWRIGHT_DELTA_PAIR's v1.sqfs and v2.sqfs (two
// SquashFS builds of about 60 MB) or, without it, a generated 48 MB file
// and a copy with 5% of its pages rewritten and 100 bytes inserted a
// third of the way in. Metrics: *-s (median wall seconds), *-peak-MB,
// fwup/firmwright (median of the per-iteration ratios: above 1 means we
// are faster) and patch-MB. Both programs must leave the same ROOTFS-B.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func BenchmarkApplyDelta(b *testing.B) {
	ours := buildOurs(b)
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
	sh := func(prog string, args ...string) {
		b.Helper()
		cmd := exec.Command(prog, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", prog, args, err, out)
		}
	}
	sh(ours, "patch", "v1.fw", "v2.fw", "-o", "patch.fw")
	sh(ours, "fwup", "-a", "-q", "-i", "v1.fw", "-t", "complete", "-d", "card-v1.img")

	ref := os.Getenv("FIRMWRIGHT_REF_FWUP")
	rss := newRSSMeter(b, dir)
	upgrade := []string{"-a", "-q", "-i", "patch.fw", "-t", "upgrade", "-d"}
	var oursRuns, refRuns benchRuns
	for b.Loop() {
		b.StopTimer()
		sh("cp", "--sparse=always", "card-v1.img", "ours.img")
		b.StartTimer()
		oursRuns.run(b, rss, dir, "", ours, append([]string{"fwup"}, append(upgrade, "ours.img")...)...)
		if ref != "" {
			b.StopTimer()
			sh("cp", "--sparse=always", "card-v1.img", "fwup.img")
			refRuns.run(b, rss, dir, "", ref, append(upgrade, "fwup.img")...)
			b.StartTimer()
		}
	}
	oursRuns.report(b, "firmwright")
	reportFileMB(b, filepath.Join(dir, "patch.fw"), "patch-MB")
	want := readRegion(b, filepath.Join(dir, "v2", "rootfs.img"), 0)
	if got := readRegion(b, filepath.Join(dir, "ours.img"), deltaBenchRootfsB*512)[:len(want)]; !bytes.Equal(got, want) {
		b.Fatal("firmwright: ROOTFS-B is not v2's rootfs.img")
	}
	if ref != "" {
		refRuns.report(b, "fwup")
		reportRatio(b, "fwup/firmwright", &refRuns, &oursRuns)
		if got := readRegion(b, filepath.Join(dir, "fwup.img"), deltaBenchRootfsB*512)[:len(want)]; !bytes.Equal(got, want) {
			b.Fatal("fwup: ROOTFS-B is not v2's rootfs.img")
		}
	}
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
