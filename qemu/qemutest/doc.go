// Package qemutest makes what tests of `firmwright qemu` need: disk
// images of the qemu-aarch64 system and stand-ins for QEMU.
package qemutest
