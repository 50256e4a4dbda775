package builder_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// buildFails runs a build that must fail before writing anything, and
// returns its message.
func buildFails(t *testing.T, spec builder.Spec) string {
	t.Helper()
	_, err := builder.Build(context.Background(), spec)
	if err == nil {
		t.Fatal("build succeeded")
	}
	for _, p := range []string{spec.Output, spec.Image} {
		if _, serr := os.Stat(p); serr == nil {
			t.Errorf("%s was written by a failed build", p)
		}
	}
	t.Log(err)
	return err.Error()
}

func wantAll(t *testing.T, msg string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message lacks %q:\n%s", p, msg)
		}
	}
}

// TestKernelTooBig: a Debian-sized arm64 Image (33 MB) does not fit
// BOOT-A. The build gzips it (the firmware accepts gzipped kernels);
// when even that does not fit (random bytes do not shrink), the message
// names the files and the way out: a larger partition through --define,
// with a size that works, which then builds; so does an Image.gz beside
// the Image.
func TestKernelTooBig(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 33<<20)
	msg := buildFails(t, spec)
	wantAll(t, msg, "even gzipped here, Image does not fit", "BOOT-A is too small", "BOOT_A_PART_COUNT = 38630 blocks holds 19.8 MB",
		"--define BOOT_A_PART_COUNT=")

	var count string
	if _, after, ok := strings.Cut(msg, "--define BOOT_A_PART_COUNT="); ok {
		count, _, _ = strings.Cut(after, " ")
	}
	spec.Defines = map[string]string{"BOOT_A_PART_COUNT": count}
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatalf("with BOOT_A_PART_COUNT=%s: %v", count, err)
	}

	// With an Image.gz beside the Image, the build takes the one that fits.
	spec.Defines = nil
	image := fwtest.ReadFile(t, filepath.Join(spec.Images, "Image"))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(image[:12<<20]) // random bytes do not shrink: keep it small enough
	zw.Close()
	os.WriteFile(filepath.Join(spec.Images, "Image.gz"), gz.Bytes(), 0o644)
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatalf("with Image.gz beside Image: %v", err)
	}
	if got := openCard(t, spec.Image).file(bootAOff, "kernel8.img"); got != gz.String() {
		t.Error("kernel8.img is not Image.gz")
	}
}

// TestKernelGzippedToFit: Buildroot's defconfigs make only an
// uncompressed Image; one too big for BOOT-A that compresses is gzipped
// by the build, and the card boots the gzipped kernel.
func TestKernelGzippedToFit(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	image := bytes.Repeat([]byte("arm64 kernel text "), (30<<20)/18)
	if err := os.WriteFile(filepath.Join(spec.Images, "Image"), image, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatalf("a 30 MB Image that compresses: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(openCard(t, spec.Image).file(bootAOff, "kernel8.img"))))
	if err != nil {
		t.Fatalf("kernel8.img is not gzipped: %v", err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, image) {
		t.Errorf("kernel8.img does not inflate to the Image (%v)", err)
	}
}

func TestMissingBaseFiles(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	os.Remove(filepath.Join(spec.Images, "Image"))
	os.Remove(filepath.Join(spec.Images, "bcm2711-rpi-4-b.dtb"))
	os.Remove(filepath.Join(spec.Images, "rpi-firmware/fixup4x.dat"))
	os.Remove(filepath.Join(spec.Images, "rootfs.tar"))
	msg := buildFails(t, spec)
	wantAll(t, msg, "rpi4 system needs", "Image or Image.gz", "bcm2711-rpi-4-b.dtb (in images/ or images/rpi-firmware/)",
		"the firmware, fixup4x.dat and start4x.elf, or fixup4.dat and start4.elf", "rootfs.tar or")
}

func TestRootfsTooBig(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	spec.Defines = map[string]string{"ROOTFS_A_PART_COUNT": "8"}
	msg := buildFails(t, spec)
	wantAll(t, msg, "rootfs.img is", "ROOTFS_A_PART_COUNT=8 blocks", "--delete", "--compression", "--define ROOTFS_A_PART_COUNT=")
}

// TestReleaseForAnotherArch: an x86_64 ERTS in a release for the Pi 4.
func TestReleaseForAnotherArch(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	self, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Skip("no /proc/self/exe to borrow an x86_64 ELF from")
	}
	if err := os.WriteFile(filepath.Join(spec.Release, "erts-13.1/bin/beam.smp"), self, 0o755); err != nil {
		t.Fatal(err)
	}
	msg := buildFails(t, spec)
	wantAll(t, msg, "erts-13.1/bin/beam.smp", "include_erts")
}

func TestUnsignedWithPublicKey(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	pub, priv, _ := ed25519.GenerateKey(nil)
	spec.PublicKey = pub
	wantAll(t, buildFails(t, spec), "unsigned", "--sign-key")
	_, other, _ := ed25519.GenerateKey(nil)
	spec.SignKey = other
	wantAll(t, buildFails(t, spec), "not the private half")
	spec.SignKey = priv
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
}

// TestOutputsWholeOrNotAtAll: when the image cannot be made, neither
// output is written and an older .fw stays as it was.
func TestOutputsWholeOrNotAtAll(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	conf, err := os.ReadFile("../systems/rpi4/fwup.conf")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(conf), "task complete {\n", "task complete {\n    on-error { }\n", 1)
	broken = strings.Replace(broken, "        raw_memset(${APP_PART_OFFSET}, 256, 0xff)\n", "        raw_memset(${APP_PART_OFFSET}, 256, 0xff)\n        error(\"boom\")\n", 1)
	spec.FwupConf = filepath.Join(t.TempDir(), "fwup.conf")
	os.WriteFile(spec.FwupConf, []byte(broken), 0o644)
	os.WriteFile(spec.Output, []byte("old"), 0o644)
	_, err = builder.Build(context.Background(), spec)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("build: %v", err)
	}
	if data := fwtest.ReadFile(t, spec.Output); string(data) != "old" {
		t.Error("a failed build replaced the .fw")
	}
	if _, err := os.Stat(spec.Image); err == nil {
		t.Error("a failed build left an image")
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(spec.Output), ".*"))
	if len(left) > 0 {
		t.Errorf("staging files left: %v", left)
	}
}

// TestPlatformAgrees: a system whose system.json and fwup.conf disagree on
// the platform is refused, naming both.
func TestPlatformAgrees(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	spec.Defines = map[string]string{"NERVES_FW_PLATFORM": "rpi3"}
	wantAll(t, buildFails(t, spec), `NERVES_FW_PLATFORM="rpi3"`, "system.json", `"rpi4"`)
}
