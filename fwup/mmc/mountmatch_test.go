package mmc

import (
	"reflect"
	"testing"
)

// namesakeMachine has, for each kind of numbering, a disk whose name is a
// prefix of another's, both with a mounted partition: loop1 and loop10
// (partitions on the extended major 259), sda and sdaa, mmcblk1 and
// mmcblk10, nvme0n1 and nvme0n10 (whose partitions' minors interleave).
func namesakeMachine(t *testing.T) *fakeMachine {
	m := newFakeMachine(t)
	disks := []struct {
		disk, part string
		dev, pdev  uint64
	}{
		{"loop1", "loop1p1", Mkdev(7, 1), Mkdev(259, 10)},
		{"loop10", "loop10p1", Mkdev(7, 10), Mkdev(259, 11)},
		{"sda", "sda1", Mkdev(sdMajor, 0), Mkdev(sdMajor, 1)},
		{"sdaa", "sdaa1", Mkdev(65, 160), Mkdev(65, 161)},
		{"mmcblk1", "mmcblk1p1", Mkdev(mmcBlockMajor, 8), Mkdev(mmcBlockMajor, 9)},
		{"mmcblk10", "mmcblk10p1", Mkdev(mmcBlockMajor, 80), Mkdev(mmcBlockMajor, 81)},
		{"nvme0n1", "nvme0n1p1", Mkdev(259, 0), Mkdev(259, 2)},
		{"nvme0n10", "nvme0n10p1", Mkdev(259, 1), Mkdev(259, 3)},
	}
	mounts := ""
	for _, d := range disks {
		m.disk(d.disk, d.dev, gb16, "", "")
		m.partition(d.disk, d.part, d.pdev)
		mounts += "/dev/" + d.part + " /mnt/" + d.part + " ext4 rw 0 0\n"
	}
	// A character device with loop1's numbers (it is /dev/vcs1) is not loop1.
	m.write("/dev/vcs1", "")
	m.ids["/dev/vcs1"] = DeviceIDs{Rdev: Mkdev(7, 1), Char: true}
	// The whole loop10 is mounted too, without a partition table.
	mounts += "/dev/loop10 /mnt/loop10 ext4 rw 0 0\n"
	m.write("/proc/mounts", mounts)
	return m
}

// unmounted is what UnmountAll(device) unmounts on m.
func unmounted(t *testing.T, m *fakeMachine, device string) []string {
	t.Helper()
	sys := m.system()
	rec := &unmountRecorder{}
	rec.install(sys)
	if err := sys.UnmountAll(device); err != nil {
		t.Fatalf("UnmountAll(%s): %v", device, err)
	}
	return rec.syscalls
}

func TestUnmountAllTellsNamesakesApart(t *testing.T) {
	m := namesakeMachine(t)
	for device, want := range map[string][]string{
		"/dev/loop1":     {"/mnt/loop1p1"},
		"/dev/loop10":    {"/mnt/loop10p1", "/mnt/loop10"},
		"/dev/sda":       {"/mnt/sda1"},
		"/dev/sdaa":      {"/mnt/sdaa1"},
		"/dev/mmcblk1":   {"/mnt/mmcblk1p1"},
		"/dev/mmcblk10":  {"/mnt/mmcblk10p1"},
		"/dev/nvme0n1":   {"/mnt/nvme0n1p1"},
		"/dev/nvme0n10":  {"/mnt/nvme0n10p1"},
		"/dev/loop1p1":   {"/mnt/loop1p1"}, // a partition alone
		"/dev/sdb":       nil,              // no such device: nothing
		"/dev/vcs1":      nil,
		"/dev/nvme0n10p": nil,
	} {
		if got := unmounted(t, m, device); !reflect.DeepEqual(got, want) {
			t.Errorf("UnmountAll(%s) unmounted %q, want %q", device, got, want)
		}
	}
}

func TestUnmountAllFollowsSymlinks(t *testing.T) {
	m := namesakeMachine(t)
	m.link("/dev/disk/by-id/usb-Card_Reader-0:0", "../../mmcblk1")
	m.link("/dev/card", "disk/by-id/usb-Card_Reader-0:0")
	for _, device := range []string{"/dev/disk/by-id/usb-Card_Reader-0:0", "/dev/card"} {
		if got := unmounted(t, m, device); !reflect.DeepEqual(got, []string{"/mnt/mmcblk1p1"}) {
			t.Errorf("UnmountAll(%s) unmounted %q", device, got)
		}
	}
	// A mount whose source is a symlink counts as its device too.
	m.write("/proc/mounts", "/dev/disk/by-id/usb-Card_Reader-0:0 /mnt/by-id ext4 rw 0 0\n")
	if got := unmounted(t, m, "/dev/mmcblk1"); !reflect.DeepEqual(got, []string{"/mnt/by-id"}) {
		t.Errorf("source given as a symlink: unmounted %q", got)
	}
}

// TestUnmountAllByFileSystemDevice: a source naming no node (/dev/root) is
// matched by the device number mountinfo gives, and a file system on a
// mapping over a partition (dm-crypt) is on the disk.
func TestUnmountAllByFileSystemDevice(t *testing.T) {
	m := namesakeMachine(t)
	m.sysfsDir("dm-0", "", Mkdev(253, 0))
	m.link("/sys/devices/virtual/block/dm-0/slaves/sda1", "../../sda/sda1")
	m.write("/dev/mapper/secret", "")
	m.ids["/dev/mapper/secret"] = DeviceIDs{Rdev: Mkdev(253, 0)}
	m.write("/proc/mounts", "/dev/root / ext4 rw 0 0\n/dev/mapper/secret /secret ext4 rw 0 0\n/dev/root /other ext4 rw 0 0\n")
	m.write("/proc/self/mountinfo", "20 1 179:81 / / rw - ext4 /dev/root rw\n"+
		"21 20 253:0 / /secret rw - ext4 /dev/mapper/secret rw\n21 20 179:9 / /other rw - ext4 /dev/root rw\n")
	for device, want := range map[string][]string{
		"/dev/mmcblk10": {"/"},
		"/dev/mmcblk1":  {"/other"},
		"/dev/sda":      {"/secret"},
		"/dev/sdaa":     nil,
	} {
		if got := unmounted(t, m, device); !reflect.DeepEqual(got, want) {
			t.Errorf("UnmountAll(%s) unmounted %q, want %q", device, got, want)
		}
	}
}
