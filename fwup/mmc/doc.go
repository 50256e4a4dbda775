// Package mmc finds memory cards and reads and writes block devices the way
// fwup 1.16.0 does on Linux (its src/mmc_linux.c): the -D/-z/easy-mode card
// scan, unmounting a device's partitions before writing, the
// require-path-on-device and require-path-at-offset checks, and O_DIRECT
// access for the apply engine.
//
// Where fwup can touch the wrong disk, this goes past it: devices are told
// by device number and the kernel's sysfs tree, never by name, so
// unmounting /dev/loop1 leaves /dev/loop10 alone and a symlink is its
// device; the disks the running system is on are found through sysfs
// rather than by masking a minor number; and a card is identified when
// the user is asked and checked again at the open (OpenIdentified).
//
// Everything that touches the machine goes through a System, so tests run
// against a fake /sys, /dev and /proc tree without root. The zero System
// (or Host()) is the real machine.
//
// Messages are returned, not printed: texts that fwup reports through
// fwup_errx or fwup_warnx are given without the "fwup: " prefix and newline
// (the CLI adds them, or frames them); texts fwup writes to stderr itself are
// given whole.
package mmc
