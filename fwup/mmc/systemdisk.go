package mmc

// systemMountPoints are where the running system keeps files besides "/":
// a card is never one of the disks holding them. A path that does not
// exist, or is on a file system without a disk (tmpfs), adds nothing.
var systemMountPoints = []string{"/boot", "/boot/efi", "/boot/firmware", "/usr", "/var", "/home"}

// systemDisks are the disks the running system is on: for "/" and each
// system mount point, the disks under the device holding it, found through
// sysfs (partition to disk, mapping to its slaves). fwup instead masks the
// minor of "/"'s device with 0xfff0, which assumes 16 minors per disk and
// names the wrong disk for MMC (8 minors), NVMe and extended minors: with /
// on mmcblk1p1 (179:9) it excluded mmcblk0 and offered mmcblk1. As fwup
// does, a "/" that cannot be examined is warned about and excludes nothing.
func (s *System) systemDisks() map[uint64]bool {
	disks := map[uint64]bool{}
	if dev, err := s.rootDev(); err != nil {
		s.warn("can't stat root directory")
	} else {
		s.addDisksUnder(disks, dev)
	}
	for _, p := range systemMountPoints {
		if ids, err := s.stat(s.path(p)); err == nil {
			s.addDisksUnder(disks, ids.Dev)
		}
	}
	return disks
}

// addDisksUnder adds the disk of dev and of every device it is built on.
func (s *System) addDisksUnder(disks map[uint64]bool, dev uint64) {
	for _, d := range s.stack(dev) {
		disks[s.wholeDisk(d)] = true
	}
}
