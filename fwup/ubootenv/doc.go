// Package ubootenv reads and writes U-Boot environment blocks the way fwup
// 1.16 does, so that firmwright's uboot_clearenv, uboot_setenv,
// uboot_unsetenv, uboot_recover and require-uboot-variable see and leave
// exactly what fwup would.
//
// An environment block is a CRC-32 (little-endian), for redundant
// environments a one-byte generation counter, then name=value pairs each
// ended by a NUL, an extra NUL, and 0xFF up to the end of the block.
// FromConfig checks a `uboot-environment NAME { … }` section with fwup's
// rules and messages; Env holds the variables and the state that decides,
// for redundant environments, which copy is read and which is written
// next.
//
// The package does no I/O: Read takes the bytes of the copies and Writes
// returns the bytes to store and where.
package ubootenv
