package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestBuildPatchFrom: build --patch-from writes the delta from the older
// build beside the new one, a line per resource; info and verify say
// which resources are patches and against what; patch refuses a pair
// that is one firmware; a delta given to image says to use the full .fw.
func TestBuildPatchFrom(t *testing.T) {
	images, release := buildertest.Inputs(t, buildertest.System(t, "rpi4"), 1<<20)
	out := t.TempDir()
	old, nu := filepath.Join(out, "v1.fw"), filepath.Join(out, "v2.fw")
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	build := func(args ...string) string {
		stdout, stderr, code := runCLI(t, env, append([]string{"build", "--system", "rpi4", "--base", images, "--release", release}, args...)...)
		if code != 0 {
			t.Fatalf("build %v: exit %d: %s", args, code, stderr)
		}
		return stdout
	}
	build("-o", old, "--version", "1.0.0")
	kernel := filepath.Join(images, "Image")
	k := fwtest.ReadFile(t, kernel)
	copy(k[1000:], "v2")
	os.WriteFile(kernel, k, 0o644)
	stdout := build("-o", nu, "--version", "2.0.0", "--patch-from", old)
	delta := filepath.Join(out, "v2.patch.fw")
	for _, want := range []string{"kernel8.img: ", ", patch ", "rootfs.img: ", "(delta update from v1.fw)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("build output lacks %q:\n%s", want, stdout)
		}
	}
	info, _, code := runCLI(t, nil, "info", delta)
	if code != 0 || !strings.Contains(info, "patch against: upgrade.a: kernel8.img of the FAT at block 38693; upgrade.b: kernel8.img of the FAT at block 63") {
		t.Errorf("info of the delta (exit %d):\n%s", code, info)
	}
	verify, _, code := runCLI(t, nil, "verify", delta)
	if code != 0 || !strings.Contains(verify, "rootfs.img is a patch") {
		t.Errorf("verify of the delta (exit %d):\n%s", code, verify)
	}
	if _, stderr, code := runCLI(t, nil, "patch", old, old, "-o", filepath.Join(out, "same.fw")); code != 1 || !strings.Contains(stderr, "the same") {
		t.Errorf("patch of v1 to v1: exit %d, %s", code, stderr)
	}
	_, stderr, code := runCLI(t, nil, "image", delta, "-o", filepath.Join(out, "x.img"))
	if code != 1 || !strings.Contains(stderr, "is a delta update against the other slot; use the full .fw for a new card") {
		t.Errorf("image of the delta: exit %d, %s", code, stderr)
	}
}
