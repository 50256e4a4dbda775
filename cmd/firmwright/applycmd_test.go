package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/internal/cstr"
	"github.com/firmwright/firmwright/internal/fatslack"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestImageAndApplyCommands: `firmwright image` makes fwup's complete
// image; `firmwright apply` updates it; a key the archive was not signed
// with stops both before anything is written.
func TestImageAndApplyCommands(t *testing.T) {
	dir := t.TempDir()
	signed, pub := refPath(t, "ref-signed.fw"), refPath(t, "fwup-key.pub")
	img := filepath.Join(dir, "out.img")
	_, errOut, code := runCLI(t, map[string]string{}, "image", signed, "-o", img, "--public-key", pub)
	if code != 0 {
		t.Fatalf("image: exit %d: %s", code, errOut)
	}
	sums, err := fatslack.ReadSums(refPath(t, "images.masked.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	b := fwtest.ReadFile(t, img)
	if got := fatslack.MaskedSHA256(b); got != sums["complete.img"] {
		t.Errorf("image: masked sha256 %s, want fwup's %s", got, sums["complete.img"])
	}
	if _, errOut, code = runCLI(t, map[string]string{}, "apply", signed, "--device", img, "--task", "upgrade", "-q", "--reboot-param-path", filepath.Join(dir, "param")); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	b = fwtest.ReadFile(t, img)
	if got := fatslack.MaskedSHA256(b); got != sums["upgraded-b.img"] {
		t.Errorf("apply upgrade: masked sha256 %s, want fwup's %s", got, sums["upgraded-b.img"])
	}

	other := filepath.Join(dir, "other.pub")
	os.WriteFile(other, []byte("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="), 0o644)
	unsigned := refPath(t, "ref-unsigned.fw")
	for _, args := range [][]string{
		{"image", signed, "-o", filepath.Join(dir, "no.img"), "--public-key", other},
		{"image", unsigned, "-o", filepath.Join(dir, "no.img"), "--public-key", pub},
	} {
		_, errOut, code := runCLI(t, map[string]string{}, args...)
		if code == 0 || !strings.Contains(errOut, "signature") && !strings.Contains(errOut, "signed") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, "no.img")); err == nil {
			t.Errorf("%v left an image behind", args)
		}
	}
}

// TestApplyRefusesReadOnlyImage: a read-only image is refused by both
// command lines, even for root, who could open it anyway (fwup does so).
func TestApplyRefusesReadOnlyImage(t *testing.T) {
	img := filepath.Join(t.TempDir(), "ro.img")
	os.WriteFile(img, make([]byte, 4096), 0o444)
	signed := refPath(t, "ref-signed.fw")
	out, _, code := runCLI(t, map[string]string{}, "fwup", "-a", "-q", "-d", img, "-i", signed, "-t", "complete")
	if code != 1 || !strings.HasPrefix(out, "fwup: Cannot open '"+img+"' for output.") {
		t.Errorf("fwup -a: exit %d, %q", code, out)
	}
	_, errOut, code := runCLI(t, map[string]string{}, "apply", signed, "--device", img, "--task", "complete", "-q")
	if code == 0 || !strings.Contains(errOut, "read-only") {
		t.Errorf("apply: exit %d, %q", code, errOut)
	}
	if b := fwtest.ReadFile(t, img); len(b) != 4096 || strings.Trim(string(b), "\x00") != "" {
		t.Error("the read-only image was changed")
	}
}

// TestApplyMessageSaysTheCause: native commands add what the system said
// to fwup's words, which keep it behind them.
func TestApplyMessageSaysTheCause(t *testing.T) {
	full := cstr.Errorf(&os.PathError{Op: "write", Path: "card.img", Err: syscall.ENOSPC}, "write failed at offset 5. Check media size.")
	if got, want := builder.ApplyMessage(fmt.Errorf("apply: %w", full)), "apply: write failed at offset 5: no space left on device"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	denied := cstr.Errorf(&os.PathError{Op: "write", Path: "card.img", Err: syscall.EIO}, "write failed at offset 5. Check media size.")
	if got, want := builder.ApplyMessage(denied), "write failed at offset 5. Check media size. (input/output error)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := builder.ApplyMessage(errors.New("Resource x not found in archive")); got != "Resource x not found in archive" {
		t.Errorf("without a cause: %q", got)
	}
	// Damage mid-archive: fwup's words (fwup mode prints them alone),
	// then what stopped the reading.
	missing := &apply.MissingResourceError{Resource: "r2", Damage: fmt.Errorf("%w: bad signature", archive.ErrFormat)}
	if got, want := builder.ApplyMessage(missing), "Resource r2 not found in archive: the archive is damaged before it: Unrecognized archive format"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := missing.Error(); got != "Resource r2 not found in archive" {
		t.Errorf("fwup mode's words: %q", got)
	}
}

// TestTruncatedFwLeavesNoImage: image, apply and burn to a new image file
// from a cut-short .fw fail with the error on a line of its own (the
// progress line ended first) and leave no file; burn to a file that
// works says so.
func TestTruncatedFwLeavesNoImage(t *testing.T) {
	whole := fwtest.ReadFile(t, refPath(t, "ref-unsigned.fw"))
	cut := filepath.Join(t.TempDir(), "cut.fw")
	os.WriteFile(cut, whole[:len(whole)*2/3], 0o644)
	for _, args := range [][]string{{"image", cut, "-o"}, {"apply", cut, "-t", "complete", "-d"}, {"burn", cut, "-d"}} {
		out := t.TempDir()
		_, stderr, code := runCLI(t, map[string]string{}, append(args, filepath.Join(out, "x.img"))...)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		last := lines[len(lines)-1]
		if code != 1 || !strings.HasPrefix(last, "firmwright: "+cut+": ") || !strings.Contains(stderr, "%") {
			t.Errorf("%s: exit %d, stderr %q", args[0], code, stderr)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s left %v", args[0], entries)
		}
	}
	img := filepath.Join(t.TempDir(), "card.img")
	stdout, stderr, code := runCLI(t, map[string]string{}, "burn", refPath(t, "ref-unsigned.fw"), "-d", img)
	if code != 0 || !strings.Contains(stdout, "Burned "+refPath(t, "ref-unsigned.fw")+" to the image file "+img) {
		t.Errorf("burn to a file: exit %d, %q, %q", code, stdout, stderr)
	}
}

// TestUpgradeOnTheHostSaysWhy: an rpi upgrade applied to an image on the
// host says that its tasks look for the running root filesystem, beside
// fwup's words.
func TestUpgradeOnTheHostSaysWhy(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, map[string]string{}, "apply", spec.Output, "-d", spec.Image, "-t", "upgrade", "-q")
	for _, want := range []string{"It doesn't look like either the A or B partitions are active and validated.",
		"upgrade.a and upgrade.b look for the running system's root filesystem", "firmwright qemu", "complete task"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
}
