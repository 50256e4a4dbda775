package buildertest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/internal/oracle"
)

// Shape is the images/ folder one of Buildroot's Raspberry Pi defconfigs
// makes (BR2_TARGET_ROOTFS_TAR off, rootfs.ext4 only), and the system
// that takes it.
type Shape struct {
	Defconfig, System string
	// Files are the paths below images/ besides rootfs.ext4.
	Files []string
}

// overlays are a few of what Buildroot's rpi-firmware package installs in
// rpi-firmware/overlays/.
var overlays = []string{"rpi-firmware/overlays/miniuart-bt.dtbo", "rpi-firmware/overlays/disable-bt.dtbo", "rpi-firmware/overlays/overlay_map.dtb"}

func withOverlays(files ...string) []string { return append(files, overlays...) }

// Shapes are the four defconfigs of issue 15's table.
var Shapes = []Shape{
	{"raspberrypi4_64", "rpi4", withOverlays("Image", "bcm2711-rpi-4-b.dtb",
		"rpi-firmware/start4.elf", "rpi-firmware/fixup4.dat", "rpi-firmware/config.txt", "rpi-firmware/cmdline.txt")},
	{"raspberrypi3_64", "rpi3-64", withOverlays("Image", "bcm2710-rpi-3-b.dtb", "bcm2710-rpi-3-b-plus.dtb", "bcm2837-rpi-3-b.dtb",
		"rpi-firmware/bootcode.bin", "rpi-firmware/start.elf", "rpi-firmware/fixup.dat", "rpi-firmware/config.txt", "rpi-firmware/cmdline.txt")},
	{"raspberrypi0w", "rpi0", withOverlays("zImage", "bcm2708-rpi-zero-w.dtb",
		"rpi-firmware/bootcode.bin", "rpi-firmware/start.elf", "rpi-firmware/fixup.dat", "rpi-firmware/config.txt", "rpi-firmware/cmdline.txt")},
	{"raspberrypi5", "rpi5", []string{"Image", "bcm2712-rpi-5-b.dtb", "bcm2712d0-rpi-5-b.dtb", "rpi-firmware/config.txt", "rpi-firmware/cmdline.txt"}},
}

// BuildrootSpec is a build of the shape's system from an images/ folder
// laid out as its defconfig does: seeded random contents (the kernel
// kernelSize bytes), and rootfs.ext4 made by mke2fs -d from the tiny
// erlinit base (owned by root whoever runs the test, so the build's
// SquashFS, and so the .fw, are the same everywhere).
func BuildrootSpec(t testing.TB, s Shape, kernelSize int) builder.Spec {
	t.Helper()
	spec := Spec(t, System(t, s.System), kernelSize)
	images := filepath.Join(t.TempDir(), "images")
	rng := rand.New(rand.NewPCG(15, uint64(len(s.Defconfig))))
	for _, f := range s.Files {
		n := 30000
		if !strings.Contains(f, "/") && !strings.HasSuffix(f, ".dtb") {
			n = kernelSize
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		writeFile(t, filepath.Join(images, f), b)
	}
	WriteExt4Base(t, images)
	spec.Images = images
	return spec
}

// WriteExt4Base writes images/rootfs.ext4: the erlinit base of
// WriteBase, as Buildroot makes it (mkfs.ext4 -d, e2fsprogs' defaults
// but 64bit), every inode owned by root and dated SOURCE_DATE_EPOCH.
func WriteExt4Base(t testing.TB, images string) {
	t.Helper()
	tree := filepath.Join(t.TempDir(), "target")
	for _, d := range []string{"bin", "etc", "sbin", "usr/share"} {
		if err := os.MkdirAll(filepath.Join(tree, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(tree, "sbin/init"), []byte("\x7fELF... erlinit: usage ..."))
	writeFile(t, filepath.Join(tree, "etc/fw_env.config"), []byte("/dev/mmcblk0 0x2000 0x2000 0x200 16\n"))
	// Modes as data, whatever the umask.
	for p, mode := range map[string]os.FileMode{".": 0o755, "bin": 0o755, "etc": 0o755, "sbin": 0o755, "usr": 0o755, "usr/share": 0o755,
		"sbin/init": 0o755, "etc/fw_env.config": 0o644} {
		if err := os.Chmod(filepath.Join(tree, p), mode); err != nil {
			t.Fatal(err)
		}
	}
	img := filepath.Join(images, "rootfs.ext4")
	mke2fs := exec.Command(oracle.Tool(t, "mke2fs"), "-q", "-F", "-t", "ext4", "-O", "^64bit", "-d", tree, img, "4M")
	mke2fs.Env = append(os.Environ(), "E2FSPROGS_FAKE_TIME=1700000000")
	if out, err := mke2fs.CombinedOutput(); err != nil {
		t.Fatalf("mke2fs: %v\n%s", err, out)
	}
	var script strings.Builder
	for _, p := range []string{"/", "/bin", "/etc", "/sbin", "/usr", "/usr/share", "/sbin/init", "/etc/fw_env.config"} {
		for _, field := range []string{"uid 0", "gid 0", "mtime 1700000000"} {
			fmt.Fprintf(&script, "set_inode_field %s %s\n", p, field)
		}
	}
	debugfs := exec.Command(oracle.Tool(t, "debugfs"), "-w", "-f", "-", img)
	debugfs.Stdin = strings.NewReader(script.String())
	if out, err := debugfs.CombinedOutput(); err != nil {
		t.Fatalf("debugfs: %v\n%s", err, out)
	}
}
