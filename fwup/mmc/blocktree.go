package mmc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// stackDepth bounds the walk down device-mapper and md slaves when telling
// which disks a device sits on. It is deeper than fwup's maxSlaveDepth: a
// deeper stack must still count as being on its disk.
const stackDepth = 8

// The kernel's block device tree in sysfs is what says which devices are
// one disk: a partition is a subdirectory of its disk's directory holding a
// "partition" attribute, whatever the names and minor numbers (sda1 of sda,
// nvme0n1p1 of nvme0n1, mmcblk1p1 of mmcblk1, loop1p1 of loop1, and minors
// past 255 that are not contiguous with the disk's). Names are never
// compared: /dev/loop1 is not a prefix relation to /dev/loop10 here.

// blockDir is the host path of dev's sysfs directory: /sys/dev/block/MAJ:MIN
// with its link resolved, so that a partition's parent is its disk.
func (s *System) blockDir(dev uint64) (string, bool) {
	p, err := filepath.EvalSymlinks(s.path("/sys/dev/block/" + majMin(dev)))
	return p, err == nil
}

// isPartitionDir says whether a sysfs block directory is a partition's.
func isPartitionDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "partition"))
	return err == nil
}

// readDevAttr reads the "MAJ:MIN" dev attribute of a sysfs block directory.
func readDevAttr(dir string) (uint64, bool) {
	text, ok := readSysfsAt(filepath.Join(dir, "dev"), sysfsNumberLen)
	if !ok {
		return 0, false
	}
	return parseMajMin(text)
}

// parseMajMin reads "MAJ:MIN" as sysfs and /proc/self/mountinfo print it.
func parseMajMin(text string) (uint64, bool) {
	maj, min, ok := strings.Cut(strings.TrimSpace(text), ":")
	ma, err1 := strconv.ParseUint(maj, 10, 32)
	mi, err2 := strconv.ParseUint(min, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, false
	}
	return Mkdev(uint32(ma), uint32(mi)), true
}

// wholeDisk is the disk dev is on: its parent in sysfs for a partition,
// dev itself for a disk or when sysfs does not know it.
func (s *System) wholeDisk(dev uint64) uint64 {
	dir, ok := s.blockDir(dev)
	if !ok || !isPartitionDir(dir) {
		return dev
	}
	if disk, ok := readDevAttr(filepath.Dir(dir)); ok {
		return disk
	}
	return dev
}

// withPartitions is dev and, when dev is a disk, every partition sysfs lists
// under it: the devices that writing dev overwrites.
func (s *System) withPartitions(dev uint64) map[uint64]bool {
	set := map[uint64]bool{dev: true}
	dir, ok := s.blockDir(dev)
	if !ok || isPartitionDir(dir) {
		return set
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if !isPartitionDir(sub) {
			continue
		}
		if part, ok := readDevAttr(sub); ok {
			set[part] = true
		}
	}
	return set
}

// stack is dev and every device below it through slaves (dm-crypt, LVM,
// md) up to stackDepth layers, so a file system on a mapping over a card's
// partition counts as on the card.
func (s *System) stack(dev uint64) []uint64 {
	devs, layer := []uint64{dev}, []uint64{dev}
	for depth := 0; depth < stackDepth && len(layer) > 0; depth++ {
		var next []uint64
		for _, d := range layer {
			next = append(next, s.slaves(d)...)
		}
		devs, layer = append(devs, next...), next
	}
	return devs
}

// slaves are the devices sysfs says dev is built on.
func (s *System) slaves(dev uint64) []uint64 {
	dir, ok := s.blockDir(dev)
	if !ok {
		return nil
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "slaves"))
	var devs []uint64
	for _, e := range entries {
		if d, ok := readDevAttr(filepath.Join(dir, "slaves", e.Name())); ok {
			devs = append(devs, d)
		}
	}
	return devs
}
