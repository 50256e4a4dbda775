// Package squashfs reads and writes SquashFS 4.0 images of a rootfs.Tree,
// the reader beside the writer (as gokrazy pairs them): the reader takes
// Buildroot's rootfs.squashfs bases, the writer makes images as mksquashfs
// would from the same files, for the Linux kernel and squashfs-tools to
// read.
//
// The writer streams: file contents are read block by block, compressed
// on every core and written in a fixed order, so memory stays at a few
// blocks per core however large the files, and the image is the same
// byte for byte for the same tree and options, whatever the number of
// workers. Files with the same contents are stored once, and small files
// and file tails are packed into shared fragment blocks.
package squashfs
