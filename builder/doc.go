// Package builder is the firmware pipeline: a system, a Buildroot base, an
// OTP release and overlays become a SquashFS root filesystem, a signed
// fwup archive (.fw) and, if asked, a card image. It only orchestrates:
// the work is done by rootfs, rootfs/squashfs, fwup and fwup/apply.
package builder
