package mmc

import "fmt"

// mmcBlockMajor is MMC_BLOCK_MAJOR: built-in SD/MMC readers, which the kernel
// marks non-removable but fwup counts as removable.
const mmcBlockMajor = 179

// Mkdev builds a Linux dev_t from a major and minor number, as glibc's
// makedev does.
func Mkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return (ma&0xfff)<<8 | (ma&^0xfff)<<32 | mi&0xff | (mi&^0xff)<<12
}

// devMajor is glibc's major(dev).
func devMajor(dev uint64) uint32 {
	return uint32(dev>>8&0xfff | dev>>32&^uint64(0xfff))
}

// devMinor is glibc's minor(dev).
func devMinor(dev uint64) uint32 {
	return uint32(dev&0xff | dev>>12&^uint64(0xff))
}

// majMin is the "MAJOR:MINOR" name sysfs uses under /sys/dev/block, printed
// with %d as fwup does.
func majMin(dev uint64) string {
	return fmt.Sprintf("%d:%d", int32(devMajor(dev)), int32(devMinor(dev)))
}

// majMinOfInt is majMin of dev after fwup passed it through a C int (its
// device-mapper walk does): only the low 32 bits survive, sign-extended.
func majMinOfInt(dev uint64) string {
	return majMin(uint64(int64(int32(uint32(dev)))))
}
