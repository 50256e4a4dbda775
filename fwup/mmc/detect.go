package mmc

import (
	"fmt"
	"io"
	"os"
	"strings"
)

const (
	// maxDevices is MMC_MAX_DEVICES: fwup looks at no more than this many
	// existing candidate nodes, /dev/sd* first, so with 16 USB disks present
	// no /dev/mmcblk* is ever considered.
	maxDevices = 16

	// minCardSize is MMC_MIN_AUTODETECTED_SIZE: smaller (or unsized) devices
	// are card readers without a card.
	minCardSize = 1 << 20

	blockSize = 512
)

// Card is a memory card fwup would offer to write.
type Card struct {
	Path string // device node, e.g. /dev/sdc
	Size int64  // bytes
	// Name is a human-readable description. fwup's Linux scanner never sets
	// it (macOS's does); it is printed in the "Too many" list when set.
	Name string
	// ID is which medium Path stood for when it was found, for
	// System.OpenIdentified to check that it still does.
	ID Identity
}

// blockDevice is a candidate node that exists, with what fwup learns about it.
type blockDevice struct {
	path      string
	size      int64
	rdev      uint64
	removable bool
}

// candidateNames lists the /dev names fwup probes, in its order: sda…sdy
// (its loop stops before 'z') then mmcblk0…mmcblk15.
func candidateNames() []string {
	var names []string
	for c := 'a'; c < 'z'; c++ {
		names = append(names, "sd"+string(c))
	}
	for i := 0; i < 16; i++ {
		names = append(names, fmt.Sprintf("mmcblk%d", i))
	}
	return names
}

// Detect returns the memory cards fwup would find, in fwup's order: existing
// candidates that are removable (or MMC), at least 1 MiB, and not a disk
// the running system is on (found through sysfs, not by fwup's minor mask:
// see systemDisks).
func (s *System) Detect() ([]Card, error) {
	if s.usesHostStat() && !onLinux {
		return nil, ErrUnsupported
	}
	system := s.systemDisks()
	var cards []Card
	for _, d := range s.existingDevices() {
		if system[d.rdev] || d.size < minCardSize || !d.removable {
			continue
		}
		c := Card{Path: d.path, Size: d.size}
		c.ID, _ = s.Identify(d.path)
		cards = append(cards, c)
	}
	return cards, nil
}

// existingDevices returns the first maxDevices candidates whose node exists.
func (s *System) existingDevices() []blockDevice {
	var found []blockDevice
	for _, name := range candidateNames() {
		if len(found) == maxDevices {
			break
		}
		if d, ok := s.probe(name); ok {
			found = append(found, d)
		}
	}
	return found
}

// probe looks at /dev/NAME; ok is false when the node does not exist.
func (s *System) probe(name string) (d blockDevice, ok bool) {
	d.path = "/dev/" + name
	ids, err := s.stat(s.path(d.path))
	if err != nil {
		return d, false
	}
	d.rdev = ids.Rdev
	d.size = s.seekSize(d.path)
	if d.size == 0 {
		// Without read permission on the node (not root), sysfs still knows.
		if blocks, ok := s.readSysfsNumber("/sys/block/" + name + "/size"); ok {
			d.size = blocks * blockSize
		}
	}
	removable, _ := s.readSysfs("/sys/block/"+name+"/removable", sysfsFlagLen)
	d.removable = devMajor(d.rdev) == mmcBlockMajor || strings.HasPrefix(removable, "1")
	return d, true
}

// seekSize is the size of a device as the offset of its end (fstat reports 0
// for block devices); 0 on any error.
func (s *System) seekSize(devPath string) int64 {
	f, err := os.Open(s.path(devPath))
	if err != nil {
		return 0
	}
	defer f.Close()
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil || end < 0 {
		return 0
	}
	return end
}
