package builder_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup/fat"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// cardFile reads a file of the FAT at block off of an image; ok is false
// when it is not there.
func cardFile(t *testing.T, img string, off int64, name string) (string, bool) {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 8<<20)
	n, err := fat.NewVolumes(f).PRead(off, name, 0, buf)
	if err != nil && err != io.EOF {
		return "", false
	}
	return string(buf[:n]), true
}

// buildStages builds spec and returns its stage lines.
func buildStages(t *testing.T, spec builder.Spec) string {
	t.Helper()
	var lines []string
	spec.Report = func(s builder.Stage) { lines = append(lines, s.What) }
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestBuildrootShapes: each of Buildroot's Pi defconfigs' images/ folders
// (rootfs.ext4 only, the plain firmware variant, the device trees and
// overlays it has) builds, the stage line saying which firmware variant
// it took and which optional files it lacked, and the card holds the
// files found where the Pi firmware looks for them.
func TestBuildrootShapes(t *testing.T) {
	want := map[string]struct {
		stage       string
		card, notOn []string
	}{
		"raspberrypi4_64": {"checked inputs for system rpi4 (firmware start4; not in the base, so not on the card: bcm2711-rpi-400.dtb, bcm2711-rpi-cm4.dtb, bcm2711-rpi-cm4s.dtb)",
			[]string{"start4.elf", "fixup4.dat", "kernel8.img", "bcm2711-rpi-4-b.dtb", "overlays/miniuart-bt.dtbo", "overlays/overlay_map.dtb"}, []string{"bcm2711-rpi-400.dtb"}},
		"raspberrypi3_64": {"checked inputs for system rpi3-64 (firmware start; not in the base, so not on the card: bcm2710-rpi-cm3.dtb, bcm2710-rpi-zero-2-w.dtb, bcm2837-rpi-3-b-plus.dtb, bcm2837-rpi-3-a-plus.dtb, bcm2837-rpi-zero-2-w.dtb, initramfs.cpio.gz)",
			[]string{"start.elf", "fixup.dat", "kernel8.img", "bcm2710-rpi-3-b.dtb", "bcm2710-rpi-3-b-plus.dtb", "overlays/disable-bt.dtbo"}, []string{"bcm2837-rpi-3-b.dtb"}},
		"raspberrypi0w": {"checked inputs for system rpi0 (firmware start; not in the base, so not on the card: bcm2708-rpi-zero.dtb)",
			[]string{"start.elf", "fixup.dat", "zImage", "bcm2708-rpi-zero-w.dtb", "overlays/overlay_map.dtb"}, []string{"bcm2708-rpi-zero.dtb"}},
		"raspberrypi5": {"checked inputs for system rpi5 (not in the base, so not on the card: bcm2712-rpi-cm5-cm5io.dtb, bcm2712-rpi-cm5-cm4io.dtb, overlays/*.dtbo, overlays/overlay_map.dtb)",
			[]string{"kernel8.img", "bcm2712-rpi-5-b.dtb", "bcm2712d0-rpi-5-b.dtb"}, []string{"start4.elf", "fixup4.dat"}},
	}
	for _, shape := range buildertest.Shapes {
		t.Run(shape.Defconfig, func(t *testing.T) {
			w := want[shape.Defconfig]
			spec := buildertest.BuildrootSpec(t, shape, 1<<20)
			stages := buildStages(t, spec)
			if !strings.Contains(stages, w.stage+"\n") {
				t.Errorf("stages lack %q:\n%s", w.stage, stages)
			}
			if !strings.Contains(stages, "base rootfs.ext4, ") {
				t.Errorf("the base is not rootfs.ext4:\n%s", stages)
			}
			for _, name := range w.card {
				got, ok := cardFile(t, spec.Image, 63, name)
				if !ok {
					t.Errorf("BOOT-A has no %s", name)
				} else if src := shapeSource(t, spec.Images, name); src != "" && got != src {
					t.Errorf("BOOT-A's %s is not images/'s", name)
				}
			}
			for _, name := range w.notOn {
				if _, ok := cardFile(t, spec.Image, 63, name); ok {
					t.Errorf("BOOT-A has %s", name)
				}
			}
			if cfg, _ := cardFile(t, spec.Image, 63, "config.txt"); strings.Contains(cfg, "\ndevice_tree=") {
				t.Errorf("config.txt names a device tree:\n%s", cfg)
			}
		})
	}
}

// shapeSource is the contents of the file a boot file came from: in
// images/ or images/rpi-firmware/, under its own name or the firmware's
// card name (start4.elf is start4.elf there); "" when it has none of its
// own (the kernel).
func shapeSource(t *testing.T, images, name string) string {
	for _, p := range []string{name, "rpi-firmware/" + name} {
		if b, err := os.ReadFile(filepath.Join(images, p)); err == nil {
			return string(b)
		}
	}
	return ""
}

// TestMainlineDeviceTree: a 64-bit Pi 3 base with the mainline kernel's
// device tree only (bcm2837-rpi-3-b.dtb, in rpi-firmware/) builds, and
// config.txt names it, as the Pi firmware looks for bcm2710-rpi-3-b.dtb.
func TestMainlineDeviceTree(t *testing.T) {
	spec := buildertest.BuildrootSpec(t, buildertest.Shapes[1], 1<<20)
	for _, f := range []string{"bcm2710-rpi-3-b.dtb", "bcm2710-rpi-3-b-plus.dtb"} {
		os.Remove(filepath.Join(spec.Images, f))
	}
	os.Rename(filepath.Join(spec.Images, "bcm2837-rpi-3-b.dtb"), filepath.Join(spec.Images, "rpi-firmware/bcm2837-rpi-3-b.dtb"))
	buildStages(t, spec)
	dtb, ok := cardFile(t, spec.Image, 63, "bcm2837-rpi-3-b.dtb")
	if !ok || dtb != string(fwtest.ReadFile(t, filepath.Join(spec.Images, "rpi-firmware/bcm2837-rpi-3-b.dtb"))) {
		t.Error("BOOT-A has not the base's bcm2837-rpi-3-b.dtb")
	}
	cfg, _ := cardFile(t, spec.Image, 63, "config.txt")
	if !strings.HasSuffix(cfg, "\ndevice_tree=bcm2837-rpi-3-b.dtb\n") || !strings.Contains(cfg, "arm_64bit=1\n") {
		t.Errorf("config.txt:\n%s", cfg)
	}
}

// TestInitramfsBootFile: a 64-bit Pi 3 base with an initramfs.cpio.gz
// (Debian's kernel has the SD card's driver as a module) puts it on the
// card, and config.txt loads it after the kernel.
func TestInitramfsBootFile(t *testing.T) {
	spec := buildertest.BuildrootSpec(t, buildertest.Shapes[1], 1<<20)
	if err := os.WriteFile(filepath.Join(spec.Images, "initramfs.cpio.gz"), []byte("an initramfs"), 0o644); err != nil {
		t.Fatal(err)
	}
	buildStages(t, spec)
	if got, ok := cardFile(t, spec.Image, 63, "initramfs.cpio.gz"); !ok || got != "an initramfs" {
		t.Errorf("BOOT-A's initramfs.cpio.gz: %q %v", got, ok)
	}
	cfg, _ := cardFile(t, spec.Image, 63, "config.txt")
	if !strings.HasSuffix(cfg, "\ninitramfs initramfs.cpio.gz followkernel\n") {
		t.Errorf("config.txt:\n%s", cfg)
	}
}

// TestBootFilesMissing: a base with neither firmware variant complete,
// and no main device tree, fails before any work, naming all of them.
func TestBootFilesMissing(t *testing.T) {
	spec := buildertest.BuildrootSpec(t, buildertest.Shapes[1], 1<<20)
	for _, f := range []string{"bcm2710-rpi-3-b.dtb", "bcm2837-rpi-3-b.dtb", "rpi-firmware/fixup.dat", "rpi-firmware/bootcode.bin"} {
		os.Remove(filepath.Join(spec.Images, f))
	}
	wantAll(t, buildFails(t, spec), "the rpi3-64 system needs", "rpi-firmware/bootcode.bin; ",
		"the firmware, fixup_x.dat and start_x.elf, or fixup.dat and start.elf (in images/ or images/rpi-firmware/); ",
		"bcm2710-rpi-3-b.dtb or bcm2837-rpi-3-b.dtb (in images/ or images/rpi-firmware/)")
}
