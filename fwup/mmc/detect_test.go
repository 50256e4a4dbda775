package mmc

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

const (
	sdMajor = 8
	gb16    = 15931539456 // a "16 GB" card: 31116288 blocks
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		setup func(m *fakeMachine)
		want  []Card
	}{{
		name: "removable USB reader found, fixed disk skipped",
		setup: func(m *fakeMachine) {
			m.disk("sda", Mkdev(sdMajor, 0), 500e9, "", "0\n")
			m.disk("sdb", Mkdev(sdMajor, 16), gb16, "", "1\n")
		},
		want: []Card{{Path: "/dev/sdb", Size: gb16}},
	}, {
		name: "MMC counts as removable though sysfs says 0",
		setup: func(m *fakeMachine) {
			m.disk("mmcblk0", Mkdev(mmcBlockMajor, 0), gb16, "", "0\n")
		},
		want: []Card{{Path: "/dev/mmcblk0", Size: gb16}},
	}, {
		name: "removable without the trailing newline reads as nothing",
		setup: func(m *fakeMachine) {
			m.disk("sdb", Mkdev(sdMajor, 16), gb16, "", "1")
		},
	}, {
		name: "no removable attribute",
		setup: func(m *fakeMachine) {
			m.disk("sdb", Mkdev(sdMajor, 16), gb16, "", "")
		},
	}, {
		name: "disk holding / skipped",
		setup: func(m *fakeMachine) {
			m.rootDev = Mkdev(sdMajor, 18) // /dev/sdb2
			m.disk("sda", Mkdev(sdMajor, 0), gb16, "", "1\n")
			m.disk("sdb", Mkdev(sdMajor, 16), gb16, "", "1\n")
			m.partition("sdb", "sdb2", Mkdev(sdMajor, 18))
		},
		want: []Card{{Path: "/dev/sda", Size: gb16}},
	}, {
		// fwup masked the minor with 0xfff0 (16 minors a disk), so 179:9
		// became 179:0, mmcblk0, and mmcblk1 was offered. MMC has 8.
		name: "/ on mmcblk1p1: mmcblk1 never offered, mmcblk0 is",
		setup: func(m *fakeMachine) {
			m.rootDev = Mkdev(mmcBlockMajor, 9)
			m.disk("mmcblk0", Mkdev(mmcBlockMajor, 0), gb16, "", "0\n")
			m.disk("mmcblk1", Mkdev(mmcBlockMajor, 8), gb16, "", "0\n")
			m.partition("mmcblk1", "mmcblk1p1", Mkdev(mmcBlockMajor, 9))
		},
		want: []Card{{Path: "/dev/mmcblk0", Size: gb16}},
	}, {
		name: "/ on an extended-minor partition (259:3) of mmcblk0",
		setup: func(m *fakeMachine) {
			m.rootDev = Mkdev(259, 3)
			m.disk("mmcblk0", Mkdev(mmcBlockMajor, 0), gb16, "", "0\n")
			m.disk("mmcblk2", Mkdev(mmcBlockMajor, 16), gb16, "", "0\n")
			m.partition("mmcblk0", "mmcblk0p9", Mkdev(259, 3))
		},
		want: []Card{{Path: "/dev/mmcblk2", Size: gb16}},
	}, {
		name: "/ on LVM over sdb2: sdb skipped",
		setup: func(m *fakeMachine) {
			m.rootDev = Mkdev(253, 0)
			m.disk("sda", Mkdev(sdMajor, 0), gb16, "", "1\n")
			m.disk("sdb", Mkdev(sdMajor, 16), gb16, "", "1\n")
			m.partition("sdb", "sdb2", Mkdev(sdMajor, 18))
			m.sysfsDir("dm-0", "", Mkdev(253, 0))
			m.link("/sys/devices/virtual/block/dm-0/slaves/sdb2", "../../sdb/sdb2")
		},
		want: []Card{{Path: "/dev/sda", Size: gb16}},
	}, {
		name: "a disk holding /boot is a system disk too",
		setup: func(m *fakeMachine) {
			m.rootDev = Mkdev(259, 1) // /dev/nvme0n1p1
			m.disk("nvme0n1", Mkdev(259, 0), gb16, "", "0\n")
			m.partition("nvme0n1", "nvme0n1p1", Mkdev(259, 1))
			m.disk("sda", Mkdev(sdMajor, 0), gb16, "", "1\n")
			m.partition("sda", "sda1", Mkdev(sdMajor, 1))
			m.disk("sdb", Mkdev(sdMajor, 16), gb16, "", "1\n")
			m.write("/boot/config.txt", "")
			m.ids["/boot"] = DeviceIDs{Dev: Mkdev(sdMajor, 1)}
		},
		want: []Card{{Path: "/dev/sdb", Size: gb16}},
	}, {
		name: "under 1 MiB skipped, exactly 1 MiB kept",
		setup: func(m *fakeMachine) {
			m.disk("sda", Mkdev(sdMajor, 0), 1<<20-512, "", "1\n")
			m.disk("sdb", Mkdev(sdMajor, 16), 1<<20, "", "1\n")
			m.disk("sdc", Mkdev(sdMajor, 32), 0, "", "1\n") // reader without card
		},
		want: []Card{{Path: "/dev/sdb", Size: 1 << 20}},
	}, {
		name: "size from sysfs when the node tells nothing",
		setup: func(m *fakeMachine) {
			m.disk("sdc", Mkdev(sdMajor, 32), 0, "31116288\n", "1\n")
		},
		want: []Card{{Path: "/dev/sdc", Size: gb16}},
	}, {
		name: "sysfs size read like strtoll base 0",
		setup: func(m *fakeMachine) {
			m.disk("sdc", Mkdev(sdMajor, 32), 0, "0x1000\n", "1\n")
		},
		want: []Card{{Path: "/dev/sdc", Size: 0x1000 * 512}},
	}, {
		name: "order: sd before mmcblk; sdz and mmcblk16 never probed",
		setup: func(m *fakeMachine) {
			m.disk("mmcblk3", Mkdev(mmcBlockMajor, 24), gb16, "", "")
			m.disk("mmcblk16", Mkdev(mmcBlockMajor, 128), gb16, "", "")
			m.disk("sdz", Mkdev(65, 144), gb16, "", "1\n")
			m.disk("sdy", Mkdev(65, 128), gb16, "", "1\n")
			m.disk("sda", Mkdev(sdMajor, 0), gb16, "", "1\n")
		},
		want: []Card{
			{Path: "/dev/sda", Size: gb16},
			{Path: "/dev/sdy", Size: gb16},
			{Path: "/dev/mmcblk3", Size: gb16},
		},
	}, {
		name: "only 16 existing nodes are looked at",
		setup: func(m *fakeMachine) {
			fixedDisks(m, 16)
			m.disk("mmcblk0", Mkdev(mmcBlockMajor, 0), gb16, "", "")
		},
	}, {
		name: "15 fixed disks leave room for one MMC",
		setup: func(m *fakeMachine) {
			fixedDisks(m, 15)
			m.disk("mmcblk0", Mkdev(mmcBlockMajor, 0), gb16, "", "")
			m.disk("mmcblk1", Mkdev(mmcBlockMajor, 8), gb16, "", "")
		},
		want: []Card{{Path: "/dev/mmcblk0", Size: gb16}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newFakeMachine(t)
			tt.setup(m)
			got, err := m.system().Detect()
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i].ID.Rdev == 0 || got[i].ID.Size != got[i].Size {
					t.Errorf("%s: ID %+v", got[i].Path, got[i].ID)
				}
				got[i].ID = Identity{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Detect() = %v, want %v", got, tt.want)
			}
		})
	}
}

// fixedDisks adds n non-removable disks sda, sdb, ….
func fixedDisks(m *fakeMachine, n int) {
	for i := range n {
		m.disk(fmt.Sprintf("sd%c", 'a'+i), Mkdev(sdMajor, uint32(16*i)), gb16, "", "0\n")
	}
}

func TestDetectWarnsWhenRootUnknown(t *testing.T) {
	m := newFakeMachine(t)
	m.disk("sda", Mkdev(sdMajor, 0), gb16, "", "1\n")
	sys := m.system()
	sys.RootDev = func() (uint64, error) { return 0, errors.New("no /") }
	got, err := sys.Detect()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(m.warnings, []string{"can't stat root directory"}) {
		t.Errorf("Detect() = %v, warnings %q", got, m.warnings)
	}
}

func TestMkdevMatchesGlibc(t *testing.T) {
	tests := []struct {
		major, minor uint32
		dev          uint64
	}{
		{8, 1, 0x801},
		{179, 2, 0xb302},
		{259, 3, 0x10303},
		{8, 256, 0x100800},
		{4096, 0, 0x100000000000},
	}
	for _, tt := range tests {
		if got := Mkdev(tt.major, tt.minor); got != tt.dev {
			t.Errorf("Mkdev(%d, %d) = %#x, want %#x", tt.major, tt.minor, got, tt.dev)
		}
		if devMajor(tt.dev) != tt.major || devMinor(tt.dev) != tt.minor {
			t.Errorf("major/minor(%#x) = %d, %d", tt.dev, devMajor(tt.dev), devMinor(tt.dev))
		}
	}
}
