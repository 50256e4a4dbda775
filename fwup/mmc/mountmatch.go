package mmc

import (
	"os"
	"path/filepath"
	"strings"
)

// mountedOn returns the test UnmountAll applies to each /proc/mounts entry:
// is the file system mounted there on device? It compares device numbers,
// never names: device (a symlink is followed, as stat follows it) stands
// for a disk and the partitions sysfs lists under it, or for one
// partition; an entry is on it when its source node stands for one of
// those, or the file system's own device number (from
// /proc/self/mountinfo, which also covers sources such as /dev/root that
// name no node) does, directly or through device-mapper or md. A device
// that cannot be examined has nothing mounted on it: opening it fails
// later with fwup's message.
func (s *System) mountedOn(device string) func(source, point string) bool {
	ids, err := s.stat(s.path(device))
	rdev, isBlock := ids.blockRdev()
	if err != nil || !isBlock {
		return func(string, string) bool { return false }
	}
	targets := s.withPartitions(rdev)
	fsDevs := s.mountInfoDevices()
	return func(source, point string) bool {
		if filepath.IsAbs(source) {
			src, err := s.stat(s.path(source))
			if dev, ok := src.blockRdev(); err == nil && ok && s.onAny(dev, targets) {
				return true
			}
		}
		for _, dev := range fsDevs[point] {
			if s.onAny(dev, targets) {
				return true
			}
		}
		return false
	}
}

// onAny says whether dev is one of targets or built on one.
func (s *System) onAny(dev uint64, targets map[uint64]bool) bool {
	if dev == 0 {
		return false
	}
	for _, d := range s.stack(dev) {
		if targets[d] {
			return true
		}
	}
	return false
}

// mountInfoDevices maps each mount point of /proc/self/mountinfo to the
// device numbers (st_dev, its third field) of what is mounted there; nil
// when the file cannot be read (a fake tree without one, or no procfs).
func (s *System) mountInfoDevices() map[string][]uint64 {
	text, err := os.ReadFile(s.path("/proc/self/mountinfo"))
	if err != nil {
		return nil
	}
	devs := map[string][]uint64{}
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		if dev, ok := parseMajMin(f[2]); ok {
			point := unescapeMountField(f[4])
			devs[point] = append(devs[point], dev)
		}
	}
	return devs
}
