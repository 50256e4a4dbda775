package mmc

import (
	"os"
	"strings"
)

// maxSlaveDepth is how many device-mapper layers fwup looks through.
const maxSlaveDepth = 3

// IsPathOnDevice reports whether path lives on device (e.g. "/" on
// /dev/mmcblk0p2): the device holding path is device itself or, following
// /sys/dev/block/MAJ:MIN/slaves up to three layers deep, is built on it (dm
// or md). device must be the partition, not its disk. Any error means no, as
// for fwup's require-path-on-device.
func (s *System) IsPathOnDevice(path, device string) bool {
	file, err := s.stat(s.path(path))
	if err != nil {
		return false
	}
	dev, err := s.stat(s.path(device))
	if err != nil {
		return false
	}
	return s.builtOn(majMinOfInt(file.Dev), majMinOfInt(dev.Rdev), maxSlaveDepth)
}

// builtOn reports whether block device current ("MAJ:MIN") is goal or sits
// on it within depth layers of slaves.
func (s *System) builtOn(current, goal string, depth int) bool {
	if current == goal {
		return true
	}
	if depth <= 0 {
		return false
	}
	slaves := "/sys/dev/block/" + current + "/slaves"
	entries, _ := os.ReadDir(s.path(slaves))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		next, ok := s.readSysfs(slaves+"/"+e.Name()+"/dev", sysfsNumberLen)
		if ok && s.builtOn(next, goal, depth-1) {
			return true
		}
	}
	return false
}

// IsPathAtDeviceOffset reports whether the partition holding path starts at
// blockOffset (in 512-byte blocks) on its disk, per sysfs's
// /sys/dev/block/MAJ:MIN/start. Any error means no, as for fwup's
// require-path-at-offset.
func (s *System) IsPathAtDeviceOffset(path string, blockOffset int64) bool {
	file, err := s.stat(s.path(path))
	if err != nil {
		return false
	}
	start, ok := s.readSysfsNumber("/sys/dev/block/" + majMin(file.Dev) + "/start")
	return ok && start == blockOffset
}
