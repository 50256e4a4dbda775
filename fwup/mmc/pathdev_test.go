package mmc

import "testing"

// layeredMachine has / on mmcblk0p2 (179:2), /data on a dm device (253:0)
// over mmcblk0p3 (179:3), and /deep on four stacked dm devices over
// mmcblk0p4 (one layer more than fwup looks through).
func layeredMachine(t *testing.T) *fakeMachine {
	m := newFakeMachine(t)
	m.write("/dev/mmcblk0", "")
	m.ids["/dev/mmcblk0"] = DeviceIDs{Rdev: Mkdev(mmcBlockMajor, 0)}
	for _, p := range []uint32{2, 3, 4} {
		node := "/dev/mmcblk0p" + string(rune('0'+p))
		m.write(node, "")
		m.ids[node] = DeviceIDs{Rdev: Mkdev(mmcBlockMajor, p)}
	}
	m.write("/sys/dev/block/179:2/start", "63488\n")
	m.write("/sys/dev/block/179:3/start", "0x20000\n")

	m.write("/data/file", "")
	m.ids["/data/file"] = DeviceIDs{Dev: Mkdev(253, 0)}
	m.write("/sys/dev/block/253:0/slaves/mmcblk0p3/dev", "179:3\n")
	m.write("/sys/dev/block/253:0/slaves/.hidden/dev", "179:2\n")

	m.write("/deep", "")
	m.ids["/deep"] = DeviceIDs{Dev: Mkdev(253, 4)}
	for i := 4; i > 1; i-- {
		m.write("/sys/dev/block/253:"+string(rune('0'+i))+"/slaves/dm/dev", "253:"+string(rune('0'+i-1))+"\n")
	}
	m.write("/sys/dev/block/253:1/slaves/mmcblk0p4/dev", "179:4\n")

	m.ids["/"] = DeviceIDs{Dev: Mkdev(mmcBlockMajor, 2)}
	return m
}

func TestIsPathOnDevice(t *testing.T) {
	sys := layeredMachine(t).system()
	tests := []struct {
		path, device string
		want         bool
	}{
		{"/", "/dev/mmcblk0p2", true},
		{"/", "/dev/mmcblk0", false}, // the disk is not the partition
		{"/", "/dev/mmcblk0p3", false},
		{"/data/file", "/dev/mmcblk0p3", true},  // through device-mapper
		{"/data/file", "/dev/mmcblk0p2", false}, // dot entries are skipped
		{"/deep", "/dev/mmcblk0p4", false},      // four layers: too deep
		{"/missing", "/dev/mmcblk0p2", false},
		{"/", "/dev/missing", false},
	}
	for _, tt := range tests {
		if got := sys.IsPathOnDevice(tt.path, tt.device); got != tt.want {
			t.Errorf("IsPathOnDevice(%q, %q) = %v, want %v", tt.path, tt.device, got, tt.want)
		}
	}
}

func TestIsPathAtDeviceOffset(t *testing.T) {
	m := layeredMachine(t)
	m.write("/p3", "")
	m.ids["/p3"] = DeviceIDs{Dev: Mkdev(mmcBlockMajor, 3)}
	sys := m.system()
	tests := []struct {
		path   string
		offset int64
		want   bool
	}{
		{"/", 63488, true},
		{"/", 0, false},
		{"/p3", 0x20000, true},   // start read with strtoull base 0
		{"/data/file", 0, false}, // dm device has no start
		{"/missing", 0, false},
	}
	for _, tt := range tests {
		if got := sys.IsPathAtDeviceOffset(tt.path, tt.offset); got != tt.want {
			t.Errorf("IsPathAtDeviceOffset(%q, %d) = %v, want %v", tt.path, tt.offset, got, tt.want)
		}
	}
}

func TestMajMinOfInt(t *testing.T) {
	tests := []struct {
		dev  uint64
		want string
	}{
		{Mkdev(179, 2), "179:2"},
		{Mkdev(259, 524287), "259:524287"},
		{Mkdev(259, 1048575), "-3837:-1"}, // bit 31 set: sign-extended, as glibc prints it
		{Mkdev(4096, 1), "0:1"},           // bits above 32 are lost in fwup's int
	}
	for _, tt := range tests {
		if got := majMinOfInt(tt.dev); got != tt.want {
			t.Errorf("majMinOfInt(%#x) = %q, want %q", tt.dev, got, tt.want)
		}
	}
}
