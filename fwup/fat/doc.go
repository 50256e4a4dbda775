// Package fat is fwup's FAT support: FAT12, FAT16 and FAT32 as the FatFs
// R0.15 that fwup 1.16 bundles creates and changes them with fwup's
// configuration and patches, driven the way fwup's fatfs.c glue drives
// FatFs. Images made through it match fwup's byte for byte, except the
// slack after the end of each file in its last sector, which fwup fills
// with stale buffer bytes and this package with zeros.
//
// What has to match, and where it lives:
//
//   - mkfs.go: fat_mkfs's geometry (one sector per cluster, so the FAT type
//     follows from the size, and some sizes are refused).
//   - alloc.go: where clusters come from. FatFs remembers the last cluster
//     it allocated on a mounted volume and searches on from there, so the
//     order of actions, and when a volume is (re)mounted, shape the image.
//   - name.go: long names and the short names derived from them (CP850
//     upper case, "~N" tails, NT lower-case flags).
//   - dir.go, path.go, file.go, ops.go: directory entries, files and the
//     FatFs functions fwup calls.
//   - volumes.go: fwup's glue, with its four mount slots, the file kept
//     open between writes, and its error messages.
//   - readdir.go: the same structures read, for listing a FAT (ReadDir,
//     Label) without writing to it.
//
// The code follows FatFs's structure closely on purpose: its quirks are
// part of the on-disk result. That is why three functions are longer and
// more branched than the repository's limits (100 lines, cyclomatic
// complexity 30) allow elsewhere: volume.mkfs, dirObj.createName and
// volume.mount mirror f_mkfs, create_name and mount_volume step by step,
// so that each can be read beside FatFs's own. Everything is read and written through a
// Device one 512-byte sector at a time, with FatFs's one-sector window
// onto directories and the FAT as the only cache.
package fat
