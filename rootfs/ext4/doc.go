// Package ext4 reads ext2, ext3 and ext4 images (Buildroot's rootfs.ext4,
// the only root filesystem its Raspberry Pi defconfigs make) into a
// rootfs.Tree, read-only and without mounting, so that a base can be
// rebuilt as SquashFS with nothing but the image.
//
// It is our own because go-diskfs, measured, could not take those images:
// it refuses ext2, ext3 and ext4 without metadata_csum, cannot read block
// maps and panics on inline data. This reader follows the on-disk format
// (the kernel's Documentation/filesystems/ext4) and bounds every number it
// takes from an image by the image's size and the superblock before use.
package ext4
