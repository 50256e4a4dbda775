// Package rootfs models a root filesystem as plain data: a sorted list of
// entries with their metadata and a way to read each file's contents
// lazily from wherever it came from (a tar, a cpio archive, a host
// directory; SquashFS images through rootfs/squashfs). Readers produce
// Trees with a Builder, which holds the rules they share, and Validate
// checks what they promise; Merge lays a release, overlays and generated
// files over a base by Nerves' rules; Extract, ListLine and WriteCPIO turn
// a tree back into files, a listing or an initramfs.
package rootfs
