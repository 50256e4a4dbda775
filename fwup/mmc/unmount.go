package mmc

import (
	"errors"
	"fmt"
	"os"
)

// ErrUnmountFailed means some mount point could not be unmounted. Each
// failure has already been reported through System.Warn with fwup's text;
// fwup then exits 1 without another message.
var ErrUnmountFailed = errors.New("mmc: could not unmount every partition of the device")

// UnmountAll unmounts every mounted partition of device (a path such as
// /dev/sdc, or a symlink to one), as fwup does before writing to a block
// device, but telling them by device number rather than by name (see
// mountedOn). With /etc/mtab present it runs umount(8)
// so that file stays right, otherwise it calls umount(2). It tries every
// mount point and returns ErrUnmountFailed if any failed. Errors reading
// /proc/mounts come back as the *os.PathError (fwup: "/proc/mounts: "
// + strerror); more than 64 mount points give ErrMountedTooManyTimes, before
// anything is unmounted.
func (s *System) UnmountAll(device string) error {
	mounts, err := os.ReadFile(s.path("/proc/mounts"))
	if err != nil {
		return err
	}
	points, err := mountPointsOf(string(mounts), s.mountedOn(device))
	if err != nil || len(points) == 0 {
		return err
	}
	unmount, err := s.unmountFunc()
	if err != nil {
		return err
	}
	failed := false
	for _, p := range points {
		if err := unmount(p); err != nil {
			failed = true
		}
	}
	if failed {
		return ErrUnmountFailed
	}
	return nil
}

// unmountFunc picks how mount points are detached and wraps it with fwup's
// warning for a failure: umount(8) when /etc/mtab exists, else umount(2).
func (s *System) unmountFunc() (func(mountpoint string) error, error) {
	unmount, host, field, warning := s.Umount, hostUmount, "Umount", "umount %s"
	if _, err := os.Stat(s.path("/etc/mtab")); err == nil {
		unmount, host, field, warning = s.ExecUmount, hostExecUmount, "ExecUmount", "Error calling umount on '%s'"
	}
	if unmount == nil {
		if err := s.mayUseHost(field); err != nil {
			return nil, err
		}
		unmount = host
	}
	return func(p string) error {
		err := unmount(p)
		if err != nil {
			s.warn(warning, p)
		}
		return err
	}, nil
}

// mayUseHost refuses to act on the real machine for a fake tree, so a test
// that forgets to fake an unmount cannot unmount the host's file systems.
func (s *System) mayUseHost(field string) error {
	if s.Root != "" {
		return fmt.Errorf("mmc: System.Root is %q (a fake tree) but System.%s is not set; refusing to unmount on the real machine", s.Root, field)
	}
	if !onLinux {
		return ErrUnsupported
	}
	return nil
}
