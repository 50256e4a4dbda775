// Package qemu boots disk images of the qemu-aarch64 system under
// qemu-system-aarch64, the way a bootloader would: the kernel, initramfs
// and command line come from the image's active boot partition, and QEMU
// is started again when the guest reboots, so that an A/B switch (a
// rewritten MBR) takes effect.
package qemu
