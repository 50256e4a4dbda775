package qemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Machine is the QEMU machine an image boots on.
type Machine string

const (
	// Virt is QEMU's virt machine, for the qemu-aarch64 system: virtio
	// disks, a virtio NIC, A/B by the MBR.
	Virt Machine = "virt"
	// Raspi3b is QEMU's Raspberry Pi 3 Model B, for the rpi3-64 system:
	// the card on the SD host, USB disks, tryboot A/B.
	Raspi3b Machine = "raspi3b"
)

// Machines are the machines firmwright qemu boots.
var Machines = []Machine{Virt, Raspi3b}

// Fixed by QEMU's raspi3b: its RAM and cores are the board's.
const (
	raspiMemory = "1G"
	raspiCPUs   = 4
)

// machinePlatforms maps a firmware's nerves_fw_platform to its machine.
var machinePlatforms = map[string]Machine{"qemu-aarch64": Virt, "rpi3-64": Raspi3b}

// MachineFor is the machine that boots firmware for platform, or an
// error saying why none does.
func MachineFor(platform string) (Machine, error) {
	if m, ok := machinePlatforms[platform]; ok {
		return m, nil
	}
	switch platform {
	case "rpi4", "rpi5":
		return "", fmt.Errorf("firmware for %s: this QEMU has no Raspberry Pi 4 or 5 machine; firmwright qemu boots qemu-aarch64 (virt) and rpi3-64 (raspi3b) images", platform)
	case "rpi0", "rpi3":
		return "", fmt.Errorf("firmware for %s, a 32-bit system: firmwright qemu boots qemu-aarch64 (virt) and rpi3-64 (raspi3b) images", platform)
	}
	return "", fmt.Errorf("firmware for %s: firmwright qemu boots qemu-aarch64 (virt) and rpi3-64 (raspi3b) images", platform)
}

// ParseMachine checks a --machine value.
func ParseMachine(s string) (Machine, error) {
	if m := Machine(s); slices.Contains(Machines, m) {
		return m, nil
	}
	return "", fmt.Errorf("--machine %s: expected virt or raspi3b", s)
}

// check refuses options the machine cannot take.
func (o *Options) check() error {
	if o.Machine != Raspi3b {
		return nil
	}
	switch {
	case o.Memory != raspiMemory:
		return fmt.Errorf("raspi3b has %s of RAM, not %s (QEMU's board is fixed)", raspiMemory, o.Memory)
	case o.CPUs != raspiCPUs:
		return fmt.Errorf("raspi3b has %d cores, not %d (QEMU's board is fixed)", raspiCPUs, o.CPUs)
	case len(o.Forwards) > 0:
		return fmt.Errorf("raspi3b has no network card in QEMU (the Pi 3's Ethernet is on USB, which it does not emulate): --forward works on virt only")
	}
	return nil
}

// raspiArgs is QEMU's command line for the raspi3b machine: the card on
// the SD host (the guest's /dev/mmcblk0), extra disks as USB mass
// storage on the DWC2 controller (/dev/sda, /dev/sdb, …).
func (o Options) raspiArgs(b *Boot, kernel, initramfs, dtb string) []string {
	args := []string{"-M", string(Raspi3b), "-m", raspiMemory, "-smp", strconv.Itoa(raspiCPUs),
		"-nographic", "-no-reboot", "-kernel", kernel, "-dtb", dtb}
	if initramfs != "" {
		args = append(args, "-initrd", initramfs)
	}
	if b.Cmdline != "" {
		args = append(args, "-append", b.Cmdline)
	}
	args = append(args, "-drive", fmt.Sprintf("if=sd,file=%s,format=raw", escapeComma(o.Image)))
	for i, d := range o.ExtraDisks {
		args = append(args, "-drive", fmt.Sprintf("if=none,file=%s,format=raw,id=usb%d", escapeComma(d), i),
			"-device", fmt.Sprintf("usb-storage,drive=usb%d", i))
	}
	return args
}

// escapeComma doubles commas, as QEMU's option syntax wants in a value.
func escapeComma(s string) string { return strings.ReplaceAll(s, ",", ",,") }
