package qemutest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
)

// Build builds the qemu-aarch64 system from test inputs with the given
// kernel; spec.Output is the .fw and spec.Image the disk image it made.
func Build(t testing.TB, kernel []byte) builder.Spec {
	t.Helper()
	spec := buildertest.Spec(t, buildertest.System(t, "qemu-aarch64"), 1<<10)
	if err := os.WriteFile(filepath.Join(spec.Images, "Image"), kernel, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// BuildPi builds the rpi3-64 system from test inputs with a kernel that
// looks like an arm64 Image, a device tree that says it is for the
// BCM2837 and an initramfs; spec.Image is the disk image it made.
func BuildPi(t testing.TB) builder.Spec {
	t.Helper()
	spec := buildertest.Spec(t, buildertest.System(t, "rpi3-64"), 1<<10)
	kernel := make([]byte, 4096)
	copy(kernel[56:], "ARM\x64")
	dtb := append([]byte{0xd0, 0x0d, 0xfe, 0xed}, "\x00\x00\x00\x00raspberrypi,3-model-b\x00brcm,bcm2837\x00"...)
	for name, data := range map[string][]byte{"Image": kernel, "bcm2710-rpi-3-b.dtb": dtb, builder.InitramfsName: []byte("initramfs")} {
		if err := os.WriteFile(filepath.Join(spec.Images, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// Fake writes a shell script standing in for qemu-system-aarch64 and
// returns its path. Before body runs, the script appends its arguments,
// one a line, to args.N in the script's directory, N being the number of
// the run (1, 2, …); $n is that number, $dir the directory.
func Fake(t testing.TB, body string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\ndir='" + dir + "'\n" +
		"n=$(( $(cat \"$dir/runs\" 2>/dev/null || echo 0) + 1 ))\n" +
		// Renamed into place: a run killed while counting (a timeout
		// ends a reboot loop at any point) leaves the old count.
		"echo $n > \"$dir/runs.$$\" && mv \"$dir/runs.$$\" \"$dir/runs\"\n" +
		"for a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$dir/args.$n\"; done\n" + body
	path := filepath.Join(dir, "qemu-system-aarch64")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// Args is what run n of the fake at path was given, one argument a line.
func Args(t testing.TB, path string, n int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(filepath.Dir(path), "args."+strconv.Itoa(n)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Runs is how many times the fake at path was started.
func Runs(t testing.TB, path string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(filepath.Dir(path), "runs"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
