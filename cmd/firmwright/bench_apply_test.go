//go:build linux

package main

// Benchmarks for applying a .fw (the complete task, to a new image file),
// firmwright and, when FIRMWRIGHT_REF_FWUP names a real fwup, fwup side by
// side in one run:
//
//	FIRMWRIGHT_REF_FWUP=/path/to/fwup go test ./cmd/firmwright -run '^$' -bench Apply -benchtime 3x
//
// Metrics as for the create benchmarks: *-s, *-peak-MB, fwup/firmwright.

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
)

// BenchmarkApplyRef applies the fixtures' ref-signed.fw (a 56 MB image).
func BenchmarkApplyRef(b *testing.B) {
	fw, err := filepath.Abs(fwtest.Ref(b, "ref-signed.fw"))
	if err != nil {
		b.Fatal(err)
	}
	benchApply(b, fw, buildOurs(b))
}

// BenchmarkApply60MB applies the firmware of BenchmarkCreate60MB's
// resource set, made by our create.
func BenchmarkApply60MB(b *testing.B) {
	ours := buildOurs(b)
	data := filepath.Join(b.TempDir(), "data")
	files := []benchFile{
		{name: "bootcode.bin", size: 52 << 10, mix: codeMix, fat: "bootcode.bin"},
		{name: "start.elf", size: 3 << 20, mix: firmwareMix, fat: "start.elf"},
		{name: "zImage", size: 8 << 20, mix: kernelMix, fat: "zImage"},
		{name: "overlays/dwc2.dtbo", size: 1500, mix: codeMix, fat: "overlays/dwc2.dtbo"},
		{name: "rootfs.img", size: 48 << 20, mix: rootfsMix},
	}
	for i, f := range files {
		if err := genFile(filepath.Join(data, f.name), f.size, f.mix, uint64(i+1)); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(data, "fwup.conf"), []byte(benchConf(files)), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(ours, "fwup", "-c", "-f", "fwup.conf", "-o", "bench.fw")
	cmd.Dir = data
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("create: %v\n%s", err, out)
	}
	benchApply(b, filepath.Join(data, "bench.fw"), ours)
}

func buildOurs(b testing.TB) string {
	b.Helper()
	ours := filepath.Join(b.TempDir(), "firmwright")
	if out, err := exec.Command("go", "build", "-o", ours, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return ours
}

func benchApply(b *testing.B, fw, ours string) {
	dir := b.TempDir()
	st, err := os.Stat(fw)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	ref := os.Getenv("FIRMWRIGHT_REF_FWUP")
	rss := newRSSMeter(b, dir)
	var oursRuns, refRuns benchRuns
	args := []string{"-a", "-q", "-i", fw, "-t", "complete", "-d"}
	for b.Loop() {
		oursRuns.run(b, rss, dir, "ours.img", ours, append([]string{"fwup"}, append(args, "ours.img")...)...)
		if ref != "" {
			b.StopTimer()
			refRuns.run(b, rss, dir, "fwup.img", ref, append(args, "fwup.img")...)
			b.StartTimer()
		}
	}
	oursRuns.report(b, "firmwright")
	if ref != "" {
		refRuns.report(b, "fwup")
		reportRatio(b, "fwup/firmwright", &refRuns, &oursRuns)
	}
}
