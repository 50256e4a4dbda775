package qemu

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/fwup/mbr"
)

// QEMU's raspi3b has no GPU firmware: firmwright qemu does its part. It
// reads autoboot.txt from partition 1 to pick the boot partition (the
// [tryboot] section's on a tryboot), then that partition's config.txt for
// the kernel, initramfs and device tree, and its cmdline.txt.

// PiState is what the Pi firmware keeps from one boot to the next: the
// one-shot tryboot flag and the partition a reboot asked for (0: none),
// both set by the reboot command ("0 tryboot") and cleared by the boot
// that uses them, or by a power cycle.
type PiState struct {
	Tryboot   bool
	Partition int
}

// piState is the state a guest's reboot command leaves: "[PARTITION]
// [tryboot]", as the Pi kernel's firmware driver passes it on.
func piState(command string) PiState {
	var s PiState
	for _, w := range strings.Fields(command) {
		if w == "tryboot" {
			s.Tryboot = true
		} else if n, err := strconv.Atoi(w); err == nil && n > 0 {
			s.Partition = n
		}
	}
	return s
}

// Names the Pi firmware uses on a Pi 3 with arm_64bit=1.
const (
	piAutoboot   = "autoboot.txt"
	piConfig     = "config.txt"
	piTryConfig  = "tryboot.txt"
	piKernel     = "kernel8.img"
	piDeviceTree = "bcm2710-rpi-3-b.dtb"
	piCompatible = "brcm,bcm2837"
)

// ReadRaspiBoot is RaspiBootFiles on the image file at path; errors name
// the file.
func ReadRaspiBoot(path string, st PiState) (*Boot, error) {
	return readImage(path, func(r io.ReaderAt) (*Boot, error) { return RaspiBootFiles(r, st) })
}

// RaspiBootFiles reads what a Raspberry Pi 3 Model B's firmware would
// boot from the disk image r in state st.
func RaspiBootFiles(r io.ReaderAt, st PiState) (*Boot, error) {
	table, err := readMBR(r)
	if err != nil {
		return nil, err
	}
	number, tryABConfig, err := piBootPartition(r, table, st)
	if err != nil {
		return nil, err
	}
	offset := int64(table.Partitions[number-1].BlockOffset)
	part, err := openFAT(r, offset)
	if err != nil {
		return nil, fmt.Errorf("boot partition %d (block %d): %w", number, offset, err)
	}
	b := &Boot{Partition: number, BlockOffset: offset, Label: part.label, Tryboot: st.Tryboot}
	config := piConfig
	if st.Tryboot && !tryABConfig && lookup(part.root, piTryConfig).Name != "" {
		config = piTryConfig // tryboot without tryboot_a_b: the other config file
	}
	text, err := part.read(config)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Where(), err)
	}
	if err := b.readConfig(part, piSettings(string(text), st.Tryboot)); err != nil {
		return nil, fmt.Errorf("%s, %s: %w", b.Where(), config, err)
	}
	return b, nil
}

// piBootPartition is the partition the firmware boots from (1 without an
// autoboot.txt) and whether autoboot.txt has tryboot_a_b=1, under which a
// tryboot reads config.txt rather than tryboot.txt.
func piBootPartition(r io.ReaderAt, table *mbr.Table, st PiState) (int, bool, error) {
	first := table.Partitions[0]
	if first.Type == 0 {
		return 0, false, errors.New("the MBR has no partition 1, where the Pi firmware looks for autoboot.txt and config.txt")
	}
	part, err := openFAT(r, int64(first.BlockOffset))
	if err != nil {
		return 0, false, fmt.Errorf("partition 1 (block %d), where the Pi firmware starts: %w", first.BlockOffset, err)
	}
	number, tryAB := 1, false
	if lookup(part.root, piAutoboot).Name != "" {
		text, err := part.read(piAutoboot)
		if err != nil {
			return 0, false, err
		}
		lines := piSettings(string(text), st.Tryboot)
		tryAB = piValue(lines, "tryboot_a_b") == "1"
		if v := piValue(lines, "boot_partition"); v != "" {
			if number, err = strconv.Atoi(v); err != nil || number < 1 {
				return 0, false, fmt.Errorf("partition 1, %s: boot_partition=%s: expected a partition number", piAutoboot, v)
			}
		}
	}
	if st.Partition > 0 {
		number = st.Partition
	}
	if number > mbr.MaxPrimary {
		return 0, false, fmt.Errorf("partition 1, %s: boot_partition=%d: firmwright qemu boots from primary partitions (1-%d) only", piAutoboot, number, mbr.MaxPrimary)
	}
	if table.Partitions[number-1].Type == 0 {
		return 0, false, fmt.Errorf("partition 1, %s: boot_partition=%d, but the MBR has no partition %d", piAutoboot, number, number)
	}
	return number, tryAB, nil
}

// readConfig reads the kernel, initramfs, device tree and command line
// that config.txt's lines name, and checks that they are for this board.
func (b *Boot) readConfig(part *fatPart, lines []piLine) error {
	if v := piValue(lines, "arm_64bit"); v != "1" {
		return errors.New("no arm_64bit=1: a 32-bit kernel, and firmwright qemu boots 64-bit Raspberry Pi 3 firmware (the rpi3-64 system)")
	}
	var err error
	b.KernelName = cmp.Or(piValue(lines, "kernel"), piKernel)
	if b.Kernel, err = part.read(b.KernelName); err != nil {
		return fmt.Errorf("kernel=%s: %w", b.KernelName, err)
	}
	if !arm64Kernel(b.Kernel) {
		return fmt.Errorf("kernel=%s is neither an arm64 kernel Image nor a gzip-compressed one", b.KernelName)
	}
	if f := strings.Fields(piValue(lines, "initramfs")); len(f) > 0 {
		b.InitramfsName = f[0]
		if b.Initramfs, err = part.read(b.InitramfsName); err != nil {
			return fmt.Errorf("initramfs %s: %w", b.InitramfsName, err)
		}
	}
	b.DeviceTreeName = cmp.Or(piValue(lines, "device_tree"), piDeviceTree)
	if b.DeviceTree, err = part.read(b.DeviceTreeName); err != nil {
		return fmt.Errorf("device tree %s (device_tree= or the firmware's choice for a Pi 3 Model B): %w", b.DeviceTreeName, err)
	}
	if !bytes.HasPrefix(b.DeviceTree, []byte{0xd0, 0x0d, 0xfe, 0xed}) || !bytes.Contains(b.DeviceTree, []byte(piCompatible+"\x00")) {
		return fmt.Errorf("%s is not a device tree for the BCM2837 (%s): QEMU's raspi3b is a Raspberry Pi 3 Model B", b.DeviceTreeName, piCompatible)
	}
	cmdline := cmp.Or(piValue(lines, "cmdline"), CmdlineName)
	if lookup(part.root, cmdline).Name != "" {
		text, err := part.read(cmdline)
		if err != nil {
			return err
		}
		b.Cmdline = piConsole(strings.Join(strings.Fields(string(text)), " "))
	}
	return nil
}

// arm64Kernel reports whether data is an arm64 Image ("ARM\x64" at byte
// 56) or gzip data, which QEMU unpacks as the firmware does.
func arm64Kernel(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || len(data) >= 60 && string(data[56:60]) == "ARM\x64"
}
