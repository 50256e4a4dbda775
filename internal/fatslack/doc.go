// Package fatslack zeroes FAT file slack in disk images, as the shared
// tools/fat-slack-mask script does, so that images written by fwup
// (which leaves stale buffer bytes after each file's end in its last
// cluster) and by firmwright (which writes zeros there) can be compared.
//
// FAT filesystems are found through the MBR (primary partitions and the
// logical ones of an extended partition's EBR chain), a GPT, offset 0
// when there is no MBR, and a scan of every 512-byte sector for a FAT boot
// sector. Every detail follows the script, including where it gives up,
// with one exception: a FAT32 volume's backup boot sector is not taken
// for a filesystem of its own (the script fails on fwup's FAT32 images).
package fatslack
