//go:build linux

package cmdline

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestUpdateUBIVolumeRefusesOthers: a device that is not a UBI volume
// fails UBI_IOCVOLUP with fwup's message, and a missing one fails to open.
func TestUpdateUBIVolumeRefusesOthers(t *testing.T) {
	_, err := Machine{}.UpdateUBIVolume("/dev/null", 4096)
	want := "UBI_IOCVOLUP failed on '/dev/null': Inappropriate ioctl for device. Check that it's a UBI volume (see /sys/class/ubi)"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.ENOTTY) {
		t.Errorf("got %v, want %q", err, want)
	}
	missing := filepath.Join(t.TempDir(), "ubi0_9")
	if _, err := (Machine{}).UpdateUBIVolume(missing, 1); err == nil || err.Error() != "ubi_volume_write can't open '"+missing+"': No such file or directory" {
		t.Errorf("missing volume: %v", err)
	}
}
