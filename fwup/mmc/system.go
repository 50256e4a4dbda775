package mmc

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
)

// onLinux says whether the host defaults (stat, umount, O_DIRECT) exist.
const onLinux = runtime.GOOS == "linux"

// ErrUnsupported is returned by host operations on systems other than Linux;
// fwup has separate scanners there that firmwright does not reproduce.
var ErrUnsupported = fmt.Errorf("mmc: memory card access is not supported on %s: %w", runtime.GOOS, errors.ErrUnsupported)

// DeviceIDs are the two device numbers stat(2) reports for a path, in Linux's
// dev_t encoding (see Mkdev).
type DeviceIDs struct {
	Dev  uint64 // st_dev: the device holding the file
	Rdev uint64 // st_rdev: the device a device node stands for
	// Char says the node is a character device, whose Rdev is no block
	// device's (char 7:1 is /dev/vcs1, block 7:1 is loop1).
	Char bool
}

// blockRdev is the block device a path's stat stands for; ok is false for
// anything else (a file, a directory, a character device).
func (ids DeviceIDs) blockRdev() (uint64, bool) {
	return ids.Rdev, ids.Rdev != 0 && !ids.Char
}

// System is the machine fwup looks at. A nil function field means the real
// machine's behaviour; tests set Root to a fake tree and replace the functions
// that need privileges or real device nodes.
type System struct {
	// Root is prefixed to every absolute path fwup reads (/dev, /sys,
	// /proc/mounts, /etc/mtab, paths given to the IsPath checks). "" is "/".
	Root string

	// RootDev returns st_dev of "/". Default: Stat of Root+"/".
	RootDev func() (uint64, error)

	// Stat returns the device numbers of a path that already has Root
	// prefixed. Default: stat(2), Linux only. A fake tree cannot hold real
	// device nodes, so tests use this to give its files device numbers.
	Stat func(path string) (DeviceIDs, error)

	// Umount detaches a mount point, as umount(2). Default: syscall.Unmount.
	Umount func(mountpoint string) error

	// ExecUmount runs "/bin/umount MOUNTPOINT" and fails if it exits non-zero.
	// fwup prefers this to umount(2) when /etc/mtab exists so the file stays
	// correct.
	ExecUmount func(mountpoint string) error

	// Warn receives the text of fwup's warnings (fwup_warnx, without the
	// "fwup: " prefix). nil drops them.
	Warn func(msg string)
}

// Host returns the real machine.
func Host() *System { return &System{} }

// path maps an absolute path on the machine to where it lies under Root.
func (s *System) path(p string) string {
	if s.Root == "" {
		return p
	}
	return filepath.Join(s.Root, p)
}

func (s *System) stat(hostPath string) (DeviceIDs, error) {
	if s.Stat != nil {
		return s.Stat(hostPath)
	}
	return hostStat(hostPath)
}

func (s *System) rootDev() (uint64, error) {
	if s.RootDev != nil {
		return s.RootDev()
	}
	ids, err := s.stat(s.path("/"))
	return ids.Dev, err
}

// usesHostStat says whether stat calls would reach the real machine's stat(2).
func (s *System) usesHostStat() bool { return s.Stat == nil }

func (s *System) warn(format string, args ...any) {
	if s.Warn != nil {
		s.Warn(fmt.Sprintf(format, args...))
	}
}
