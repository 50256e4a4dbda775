package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/fatslack"
)

// TestRefFwupAppliesBuilds: for every system, real fwup verifies the .fw
// that firmwright build makes and applies its complete task to an image
// equal to ours once FAT slack is masked.
//
//	FIRMWRIGHT_REF_FWUP=/path/to/fwup go test ./cmd/firmwright -run RefFwupAppliesBuilds -v
func TestRefFwupAppliesBuilds(t *testing.T) {
	fwup := refFwup(t)
	for _, name := range []string{"rpi0", "rpi3", "rpi4", "rpi5", "qemu-aarch64"} {
		t.Run(name, func(t *testing.T) {
			spec := buildertest.Spec(t, buildertest.System(t, name), 3<<20)
			if _, err := builder.Build(spec); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Dir(spec.Output)
			if out, errOut, code := runRef(t, fwup, dir, "-V", "-i", spec.Output); code != 0 {
				t.Fatalf("fwup -V: %s%s", out, errOut)
			}
			ref := filepath.Join(dir, "ref.img")
			if out, errOut, code := runRef(t, fwup, dir, "-a", "-q", "-d", ref, "-i", spec.Output, "-t", "complete"); code != 0 {
				t.Fatalf("fwup -a: %s%s", out, errOut)
			}
			theirs, _ := os.ReadFile(ref)
			ours, _ := os.ReadFile(spec.Image)
			if len(theirs) != len(ours) {
				t.Fatalf("fwup's image is %d bytes, ours %d", len(theirs), len(ours))
			}
			if a, b := fatslack.MaskedSHA256(theirs), fatslack.MaskedSHA256(ours); a != b {
				t.Errorf("masked sha256: fwup %s, firmwright %s", a, b)
			} else {
				t.Logf("masked sha256 %s (%d bytes)", a, len(ours))
			}
		})
	}
}
