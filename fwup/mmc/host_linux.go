//go:build linux

package mmc

import (
	"os"
	"os/exec"
	"syscall"
)

func hostStat(path string) (DeviceIDs, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return DeviceIDs{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return DeviceIDs{Dev: uint64(st.Dev), Rdev: uint64(st.Rdev), Char: st.Mode&syscall.S_IFMT == syscall.S_IFCHR}, nil
}

func hostUmount(mountpoint string) error {
	return syscall.Unmount(mountpoint, 0)
}

// hostExecUmount runs umount(8) with fwup's stdout and stderr, as fwup's
// fork/exec does, so its complaints reach the user.
func hostExecUmount(mountpoint string) error {
	cmd := exec.Command("/bin/umount", mountpoint)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}
