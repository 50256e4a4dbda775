package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
)

// TestBuildWorkDir: --work-dir keeps what fwup -c needs, and fwup -c
// (fwup mode here; examples/bench-vs-c runs the real one) makes from it
// a .fw whose complete image is the build's, byte for byte. A second
// build reuses the folder.
func TestBuildWorkDir(t *testing.T) {
	images, release := buildertest.Inputs(t, buildertest.System(t, "rpi4"), 1<<20)
	out, work := t.TempDir(), filepath.Join(t.TempDir(), "work")
	t.Chdir(filepath.Dir(work))
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	for range 2 {
		_, stderr, code := runCLI(t, env, "build", "--system", "rpi4", "--base", images, "--release", release,
			"--work-dir", "work", "-o", filepath.Join(out, "x.fw"), "--image", filepath.Join(out, "x.img"))
		if code != 0 {
			t.Fatalf("build --work-dir: exit %d: %s", code, stderr)
		}
	}
	data, err := os.ReadFile(filepath.Join(work, builder.FwupEnvFile))
	if err != nil {
		t.Fatal(err)
	}
	fwupEnv := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && !strings.HasPrefix(line, "#") {
			fwupEnv[k] = strings.Trim(v, "'")
		}
	}
	if _, err := os.Stat(fwupEnv["ROOTFS"]); err != nil || !strings.HasPrefix(fwupEnv["ROOTFS"], work) {
		t.Fatalf("fwup.env's ROOTFS %q is not a kept file in %s: %v", fwupEnv["ROOTFS"], work, err)
	}
	same := filepath.Join(out, "same.fw")
	if _, stderr, code := runCLI(t, fwupEnv, "fwup", "-c", "-f", filepath.Join(fwupEnv["FIRMWRIGHT_SYSTEM"], "fwup.conf"), "-o", same); code != 0 {
		t.Fatalf("fwup -c with fwup.env: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, nil, "fwup", "-a", "-q", "-i", same, "-d", filepath.Join(out, "same.img"), "-t", "complete"); code != 0 {
		t.Fatalf("fwup -a: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(filepath.Join(out, "same.img"))
	want, _ := os.ReadFile(filepath.Join(out, "x.img"))
	if !bytes.Equal(got, want) || len(want) == 0 {
		t.Errorf("the image of fwup -c's .fw (%d bytes) differs from the build's (%d bytes)", len(got), len(want))
	}
}
