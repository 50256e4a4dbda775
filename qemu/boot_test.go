package qemu_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/fat"
	"github.com/firmwright/firmwright/qemu"
	"github.com/firmwright/firmwright/qemu/qemutest"
)

// Slot offsets of systems/qemu-aarch64/layout.conf, in blocks.
const (
	bootA = 2048
	bootB = 2048 + 131072
)

const cmdline = "console=ttyAMA0 root=/dev/vda2 rootfstype=squashfs rootwait"

// kernel is a made-up kernel of a few clusters that names its version.
func kernel(version string) []byte {
	return bytes.Repeat([]byte("arm64 kernel "+version+"\n"), 2000)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// copyFile copies an image so that a test can change it.
func copyFile(t *testing.T, path string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(dst, readFile(t, path), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// patch writes data at byte offset off of the file at path.
func patch(t *testing.T, path string, off int64, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
}

// onFAT runs fn on the FAT at block offset off of the image at path.
func onFAT(t *testing.T, path string, off int64, fn func(v *fat.Volumes, off int64) error) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := fat.NewVolumes(f)
	if err := fn(v, off); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}

func upgrade(t *testing.T, fw, image string) {
	t.Helper()
	in, err := os.Open(fw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(image, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := apply.Run(in, out, apply.Options{Task: "upgrade"}); err != nil {
		t.Fatal(err)
	}
}

func TestQemuBootFilesAB(t *testing.T) {
	v1 := qemutest.Build(t, kernel("1"))
	v2 := qemutest.Build(t, kernel("2"))
	image := v1.Image
	check := func(part int, offset int64, label, version string) {
		t.Helper()
		b, err := qemu.ReadBoot(image)
		if err != nil {
			t.Fatal(err)
		}
		if b.Partition != part || b.BlockOffset != offset || b.Label != label {
			t.Errorf("boot partition %d at %d (%q), want %d at %d (%q)", b.Partition, b.BlockOffset, b.Label, part, offset, label)
		}
		if b.KernelName != "Image" || !bytes.Equal(b.Kernel, kernel(version)) {
			t.Errorf("kernel %s: %d bytes, not kernel %s", b.KernelName, len(b.Kernel), version)
		}
		if b.InitramfsName != "initramfs.cpio.gz" || !bytes.Equal(b.Initramfs, readFile(t, filepath.Join(v1.Images, "initramfs.cpio.gz"))) {
			t.Errorf("initramfs %s: %d bytes, not the build's", b.InitramfsName, len(b.Initramfs))
		}
		if b.Cmdline != cmdline {
			t.Errorf("cmdline %q, want %q", b.Cmdline, cmdline)
		}
	}
	check(1, bootA, "BOOT-A", "1")
	upgrade(t, v2.Output, image)
	check(1, bootB, "BOOT-B", "2")
	upgrade(t, v1.Output, image)
	check(1, bootA, "BOOT-A", "1")
}

func TestQemuBootFilesErrors(t *testing.T) {
	built := qemutest.Build(t, kernel("1")).Image
	dir := t.TempDir()
	zeros := filepath.Join(dir, "zeros.img")
	if err := os.WriteFile(zeros, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.img")
	if err := os.WriteFile(short, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(dir, "demo.fw")
	if err := os.WriteFile(zip, append([]byte("PK\x03\x04"), make([]byte, 600)...), 0o644); err != nil {
		t.Fatal(err)
	}
	noBoot := copyFile(t, built)
	patch(t, noBoot, 446, []byte{0})
	notFAT := copyFile(t, built)
	patch(t, notFAT, bootA*512, make([]byte, 512))
	noKernel := copyFile(t, built)
	onFAT(t, noKernel, bootA, func(v *fat.Volumes, off int64) error {
		if err := v.Remove(off, "fat_rm", "Image", true); err != nil {
			return err
		}
		return v.Mkdir(off, "overlays")
	})

	for _, tc := range []struct{ image, want string }{
		{zeros, zeros + ": no MBR signature (0x55AA) at byte 510: not a disk image"},
		{short, short + ": only 5 bytes, too short for an MBR: not a disk image"},
		{zip, zip + ": a .fw archive, not a disk image"},
		{noBoot, noBoot + ": no partition has the boot flag (partitions 1: type 0x0c at block 2048, 2: type 0x83 at block 264192, 3: type 0x83 at block 1312768)"},
		{notFAT, notFAT + ": bootable partition 1 (type 0x0c at block 2048): not a FAT filesystem"},
		{noKernel, noKernel + ": bootable partition 1 (type 0x0c at block 2048): no kernel (Image or kernel8.img) on the FAT filesystem; it has overlays/, initramfs.cpio.gz, cmdline.txt"},
		{filepath.Join(dir, "missing.img"), "no such file"},
	} {
		_, err := qemu.ReadBoot(tc.image)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want %q", filepath.Base(tc.image), err, tc.want)
		}
	}
}

// A kernel8.img is taken when there is no Image, and the initramfs and
// cmdline.txt may be missing; a small (FAT12) partition works too.
func TestQemuBootFilesAlternatives(t *testing.T) {
	image := qemutest.Build(t, kernel("1")).Image
	const blocks = 2048
	onFAT(t, image, bootB, func(v *fat.Volumes, off int64) error {
		if err := v.Mkfs(off, blocks); err != nil {
			return err
		}
		return v.PWrite(off, "kernel8.img", 0, kernel("8"))
	})
	var entry [4]byte
	binary.LittleEndian.PutUint32(entry[:], bootB)
	patch(t, image, 446+8, entry[:])
	f, err := os.Open(image)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := qemu.BootFiles(io.NewSectionReader(f, 0, 1<<40))
	if err != nil {
		t.Fatal(err)
	}
	if b.KernelName != "kernel8.img" || !bytes.Equal(b.Kernel, kernel("8")) || b.InitramfsName != "" || b.Initramfs != nil || b.Cmdline != "" || b.BlockOffset != bootB {
		t.Errorf("got kernel %s (%d bytes), initramfs %q (%d bytes), cmdline %q at block %d",
			b.KernelName, len(b.Kernel), b.InitramfsName, len(b.Initramfs), b.Cmdline, b.BlockOffset)
	}
}
