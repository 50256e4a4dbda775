package deviceinit

import (
	"bytes"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

func TestFirstBoot(t *testing.T) {
	tests := []struct {
		name      string
		fstype    string
		mountErrs []error
		progs     map[string]int // installed programs and their exit status
		device    string         // its content; "" for fwup's 0xff fill, "-" for none
		wantRuns  []string
		wantLog   string
		mounted   bool
	}{{
		name:      "mke2fs",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/usr/sbin/mke2fs": 0},
		wantRuns:  []string{"run /usr/sbin/mke2fs -t ext4 -F -q /dev/vda3"},
		wantLog:   "deviceinit: formatted /dev/vda3 as ext4\n",
		mounted:   true,
	}, {
		name:      "busybox mke2fs refuses -t, mkfs.ext4 works",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/sbin/mke2fs": 1, "/sbin/mkfs.ext4": 0},
		wantRuns:  []string{"run /sbin/mke2fs -t ext4 -F -q /dev/vda3", "run /sbin/mkfs.ext4 -F -q /dev/vda3"},
		wantLog:   "deviceinit: formatted /dev/vda3 as ext4\n",
		mounted:   true,
	}, {
		name:      "busybox mkfs.ext2 only",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/sbin/mkfs.ext2": 0},
		wantRuns:  []string{"run /sbin/mkfs.ext2 -F -q /dev/vda3"},
		wantLog:   "deviceinit: formatted /dev/vda3 as ext2 with /sbin/mkfs.ext2 (no mkfs for ext4 here; the ext4 driver mounts ext2)\n",
		mounted:   true,
	}, {
		name:      "no mkfs at all",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		wantLog:   "deviceinit: /dev/vda3 holds no ext4 filesystem, and none of mke2fs, mkfs.ext4, mkfs.ext2 is in /usr/sbin, /usr/bin, /sbin, /bin\ndeviceinit: continuing without /root\n",
	}, {
		name:      "every mkfs fails",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/bin/mkfs.ext2": 1},
		wantRuns:  []string{"run /bin/mkfs.ext2 -F -q /dev/vda3"},
		wantLog:   "deviceinit: cannot format /dev/vda3: /bin/mkfs.ext2 -F -q /dev/vda3: exit status 1\n",
	}, {
		name:      "f2fs",
		fstype:    "f2fs",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/usr/sbin/mkfs.f2fs": 0, "/sbin/mkfs.ext2": 0},
		wantRuns:  []string{"run /usr/sbin/mkfs.f2fs -f /dev/vda3"},
		wantLog:   "deviceinit: formatted /dev/vda3 as f2fs\n",
		mounted:   true,
	}, {
		name:      "f2fs without mkfs.f2fs",
		fstype:    "f2fs",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/sbin/mkfs.ext2": 0},
		wantLog:   "deviceinit: /dev/vda3 holds no f2fs filesystem, and none of mkfs.f2fs is in",
	}, {
		name:      "a type deviceinit cannot make",
		fstype:    "vfat",
		mountErrs: []error{syscall.EINVAL},
		wantLog:   "deviceinit: /dev/vda3 holds no vfat filesystem, and deviceinit cannot format vfat\n",
	}, {
		name:      "zeros are blank too",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/usr/sbin/mke2fs": 0},
		device:    strings.Repeat("\x00", blankSize),
		wantRuns:  []string{"run /usr/sbin/mke2fs -t ext4 -F -q /dev/vda3"},
		wantLog:   "deviceinit: formatted /dev/vda3 as ext4\n",
		mounted:   true,
	}, {
		name:      "a damaged filesystem is not formatted",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL},
		progs:     map[string]int{"/usr/sbin/mke2fs": 0},
		device:    strings.Repeat("\x00", 1024) + "\x01\x02" + strings.Repeat("\xff", blankSize),
		wantLog:   "deviceinit: cannot mount /dev/vda3 at /root (ext4): invalid argument; it is not blank, so it is left alone: continuing without it\n",
	}, {
		name:      "no device",
		fstype:    "ext4",
		mountErrs: []error{syscall.ENXIO},
		progs:     map[string]int{"/usr/sbin/mke2fs": 0},
		device:    "-",
		wantLog:   "deviceinit: cannot mount /dev/vda3 at /root (ext4): no such device or address; it cannot be read: continuing without it\n",
	}, {
		name:      "still failing after formatting",
		fstype:    "ext4",
		mountErrs: []error{syscall.EINVAL, syscall.EINVAL},
		progs:     map[string]int{"/usr/sbin/mke2fs": 0},
		wantRuns:  []string{"run /usr/sbin/mke2fs -t ext4 -F -q /dev/vda3"},
		wantLog:   "deviceinit: /dev/vda3 does not mount at /root even after formatting: invalid argument; continuing without it\n",
	}, {
		name:      "mounted already",
		fstype:    "ext4",
		mountErrs: []error{syscall.EBUSY},
		progs:     map[string]int{"/usr/sbin/mke2fs": 0},
		mounted:   true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := booted("-m /dev/vda3:/root:" + tt.fstype + ":nodev:")
			for p, status := range tt.progs {
				f.files[rel(p)] = f.files[rel(ConfigPath)]
				f.cmds[p] = fakeCmd{status: status}
			}
			f.mountErrs["/root"] = tt.mountErrs
			switch tt.device {
			case "":
				f.files[rel("/dev/vda3")] = &fstest.MapFile{Data: bytes.Repeat([]byte{0xff}, 128<<10)}
			case "-":
			default:
				f.files[rel("/dev/vda3")] = &fstest.MapFile{Data: []byte(tt.device)}
			}
			log, _ := f.run(t)
			checkCalls(t, "commands", f.callsWith("run "), tt.wantRuns)
			checkLog(t, log, tt.wantLog)
			dir, umount := "/", []string(nil)
			if tt.mounted {
				dir, umount = "/root", []string{"umount /root"}
			}
			if start := f.callsWith("start ")[0]; !strings.HasSuffix(start, " in "+dir) {
				t.Errorf("started %q, want it in %s", start, dir)
			}
			checkCalls(t, "unmounts", f.callsWith("umount"), umount)
		})
	}
}
