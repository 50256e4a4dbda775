package mmc

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestUnescapeMountField(t *testing.T) {
	tests := []struct{ in, want string }{
		{`/media/user/boot`, "/media/user/boot"},
		{`/media/my\040card`, "/media/my card"},
		{`/a\011b\012c\134d`, "/a\tb\nc\\d"},
		{`/x\7`, "/x\a"},   // one octal digit at the end
		{`/x\78`, "/x\a8"}, // a non-octal digit ends the number
		{`/x\1a7`, "/x97"}, // fwup's quirk: takes 'a' as a digit since '7' follows
		{`/x\400/y`, "/x"}, // 0400 truncated to a byte: NUL ends the C string
		{`/x\n\t\q\\`, "/x\n\tq\\"},
		{`/x\`, "/x"},
	}
	for _, tt := range tests {
		if got := unescapeMountField(tt.in); got != tt.want {
			t.Errorf("unescapeMountField(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

const sampleMounts = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/vda / ext4 rw,relatime 0 0
/dev/sdc1 /media/user/my\040boot vfat rw,nosuid,nodev,relatime 0 0
/dev/sdd1 /media/user/other vfat rw 0 0
/dev/sdc2 /media/user/rootfs squashfs ro 0 0
/dev/sdc3 /media/user/tab\011name ext4 rw 0 0
`

// sourcePrefix is a stand-in for UnmountAll's test by device number, for
// tests of how the file is read: an entry whose source starts with prefix.
func sourcePrefix(prefix string) func(source, point string) bool {
	return func(source, _ string) bool { return strings.HasPrefix(source, prefix) }
}

func TestMountPointsOf(t *testing.T) {
	tests := []struct {
		name, mounts, device string
		want                 []string
	}{
		{"escaped names", sampleMounts, "/dev/sdc", []string{"/media/user/my boot", "/media/user/rootfs", "/media/user/tab\tname"}},
		{"none", sampleMounts, "/dev/sde", nil},
		{"no mount point", "/dev/sdc1\n/dev/sdc2   \n", "/dev/sdc", nil},
		{"long device name spills into the mount point",
			"/dev/sdc" + strings.Repeat("x", 60) + " /mnt x\n", "/dev/sdc", []string{"xxxxx"}},
		{"long line read in 511-byte pieces",
			"/dev/sdc1 /" + strings.Repeat("m", 520) + " x 0 0\n/dev/sdc2 /b x\n", "/dev/sdc",
			[]string{"/" + strings.Repeat("m", 254), "/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mountPointsOf(tt.mounts, sourcePrefix(tt.device))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMountPointsOfLimit(t *testing.T) {
	var b strings.Builder
	for i := range maxMountsPerDevice {
		fmt.Fprintf(&b, "/dev/sdc1 /m%d x 0 0\n", i)
	}
	if got, err := mountPointsOf(b.String(), sourcePrefix("/dev/sdc")); err != nil || len(got) != maxMountsPerDevice {
		t.Fatalf("64 mounts: %d, %v", len(got), err)
	}
	b.WriteString("/dev/sdc2 /last x 0 0\n")
	if _, err := mountPointsOf(b.String(), sourcePrefix("/dev/sdc")); err != ErrMountedTooManyTimes || err.Error() != "Device mounted too many times" {
		t.Fatalf("65 mounts: %v", err)
	}
}

// unmountRecorder fakes both ways of unmounting, failing for the given points.
type unmountRecorder struct {
	syscalls, execs []string
	fail            map[string]bool
}

func (r *unmountRecorder) install(s *System) {
	s.Umount = func(p string) error {
		r.syscalls = append(r.syscalls, p)
		if r.fail[p] {
			return errors.New("busy")
		}
		return nil
	}
	s.ExecUmount = func(p string) error {
		r.execs = append(r.execs, p)
		if r.fail[p] {
			return errors.New("exit status 32")
		}
		return nil
	}
}

func TestUnmountAll(t *testing.T) {
	points := []string{"/media/user/my boot", "/media/user/rootfs", "/media/user/tab\tname"}
	tests := []struct {
		name         string
		mtab         bool
		fail         string
		wantSyscalls []string
		wantExecs    []string
		wantWarnings []string
		wantErr      error
	}{
		{name: "umount(2) without /etc/mtab", wantSyscalls: points},
		{name: "umount(8) with /etc/mtab", mtab: true, wantExecs: points},
		{name: "umount(2) failure warns and goes on", fail: "/media/user/rootfs", wantSyscalls: points,
			wantWarnings: []string{"umount /media/user/rootfs"}, wantErr: ErrUnmountFailed},
		{name: "umount(8) failure warns and goes on", mtab: true, fail: "/media/user/my boot", wantExecs: points,
			wantWarnings: []string{"Error calling umount on '/media/user/my boot'"}, wantErr: ErrUnmountFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleMachine(t)
			if tt.mtab {
				m.write("/etc/mtab", sampleMounts)
			}
			sys := m.system()
			rec := &unmountRecorder{fail: map[string]bool{tt.fail: true}}
			rec.install(sys)
			err := sys.UnmountAll("/dev/sdc")
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(rec.syscalls, tt.wantSyscalls) || !reflect.DeepEqual(rec.execs, tt.wantExecs) {
				t.Errorf("umount(2) %q, umount(8) %q", rec.syscalls, rec.execs)
			}
			if !reflect.DeepEqual(m.warnings, tt.wantWarnings) {
				t.Errorf("warnings %q, want %q", m.warnings, tt.wantWarnings)
			}
		})
	}
}

// sampleMachine has sampleMounts in /proc/mounts, and the disks it names:
// sdc with partitions sdc1 to sdc3, sdd with sdd1.
func sampleMachine(t *testing.T) *fakeMachine {
	m := newFakeMachine(t)
	m.disk("sdc", Mkdev(sdMajor, 32), gb16, "", "1\n")
	m.disk("sdd", Mkdev(sdMajor, 48), gb16, "", "1\n")
	for i := range uint32(3) {
		m.partition("sdc", fmt.Sprintf("sdc%d", i+1), Mkdev(sdMajor, 33+i))
	}
	m.partition("sdd", "sdd1", Mkdev(sdMajor, 49))
	m.write("/proc/mounts", sampleMounts)
	return m
}

func TestUnmountAllErrors(t *testing.T) {
	m := sampleMachine(t)
	os.Remove(m.root + "/proc/mounts")
	if err := m.system().UnmountAll("/dev/sdc"); err == nil || !strings.Contains(err.Error(), "proc/mounts") {
		t.Errorf("missing /proc/mounts: %v", err)
	}
	m.write("/proc/mounts", sampleMounts)
	if err := m.system().UnmountAll("/dev/sde"); err != nil {
		t.Errorf("nothing mounted, no unmount functions: %v", err)
	}
	if err := m.system().UnmountAll("/dev/sdc"); err == nil || !strings.Contains(err.Error(), "System.Umount is not set") {
		t.Errorf("fake root without Umount: %v", err)
	}
}
