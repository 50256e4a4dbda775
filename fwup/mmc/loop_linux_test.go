//go:build linux

package mmc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// LOOP_CTL_ADD and LOOP_CTL_REMOVE: make and remove /dev/loopN by number.
const (
	loopCtlAdd    = 0x4C80
	loopCtlRemove = 0x4C81
)

// loopTools are the programs the loop device tests run.
type loopTools struct{ losetup, mkfs string }

func needLoopDevices(t *testing.T) loopTools {
	oracle.Root(t, "attaching and mounting loop devices")
	return loopTools{losetup: oracle.Tool(t, "losetup"), mkfs: oracle.Tool(t, "mkfs.ext4")}
}

// fsImage is a new 8 MiB file holding an empty ext4 file system (what
// every kernel mounts; vfat may be a module that is not there).
func (lt loopTools) fsImage(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Truncate(p, 8<<20)
	if out, err := exec.Command(lt.mkfs, "-q", "-F", p).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4: %v: %s", err, out)
	}
	return p
}

// attach sets backing up as /dev/loopNR, making the node if there is none
// (and removing it again at the end if so); false when that device is in
// use. The device is detached when the test ends.
func (lt loopTools) attach(t *testing.T, nr int, backing string) (string, bool) {
	t.Helper()
	dev := fmt.Sprintf("/dev/loop%d", nr)
	made := loopControl(loopCtlAdd, nr) == nil
	if err := exec.Command(lt.losetup, dev, backing).Run(); err != nil {
		if made {
			loopControl(loopCtlRemove, nr)
		}
		return "", false
	}
	t.Cleanup(func() {
		exec.Command(lt.losetup, "-d", dev).Run()
		if made {
			loopControl(loopCtlRemove, nr)
		}
	})
	return dev, true
}

// loopControl issues a /dev/loop-control request for device nr.
func loopControl(req uintptr, nr int) error {
	f, err := os.OpenFile("/dev/loop-control", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(nr)); errno != 0 {
		return errno
	}
	return nil
}

// namesakes attaches two loop devices whose names are a prefix of one
// another, /dev/loopN and /dev/loopN<digit>, each over its own image.
func (lt loopTools) namesakes(t *testing.T) (short, long string) {
	a, b := lt.fsImage(t, "short"), lt.fsImage(t, "long")
	for n := 1; n < 10; n++ {
		short, ok := lt.attach(t, n, a)
		if !ok {
			continue
		}
		for k := 0; k < 10; k++ {
			if long, ok := lt.attach(t, 10*n+k, b); ok {
				return short, long
			}
		}
	}
	oracle.SkipOrFail(t, "no free pair of loop devices loopN and loopN<digit>")
	return "", ""
}

// mount mounts dev's file system on a new directory, unmounted (if
// still mounted) when the test ends, before its device is detached.
func mount(t *testing.T, dev string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount(dev, dir, "ext4", 0, ""); err != nil {
		oracle.SkipOrFail(t, "mount %s: %v", dev, err)
	}
	t.Cleanup(func() {
		if isMounted(t, dir) {
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// isMounted says whether dir is a mount point, per /proc/self/mountinfo.
func isMounted(t *testing.T, dir string) bool {
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(info), "\n") {
		if f := strings.Fields(line); len(f) > 4 && unescapeMountField(f[4]) == dir {
			return true
		}
	}
	return false
}

// TestUnmountAllLoopNamesakes: on real loop devices, unmounting for
// /dev/loopN (given by name, or through a symlink) unmounts what is
// mounted from it and leaves /dev/loopN<digit> mounted, where fwup's name
// prefix took both.
func TestUnmountAllLoopNamesakes(t *testing.T) {
	lt := needLoopDevices(t)
	short, long := lt.namesakes(t)
	link := filepath.Join(t.TempDir(), "card")
	if err := os.Symlink(short, link); err != nil {
		t.Fatal(err)
	}
	longDir := mount(t, long)
	for _, device := range []string{short, link} {
		shortDir := mount(t, short)
		if err := Host().UnmountAll(device); err != nil {
			t.Fatalf("UnmountAll(%s): %v", device, err)
		}
		if isMounted(t, shortDir) {
			t.Errorf("UnmountAll(%s) left %s mounted from %s", device, shortDir, short)
		}
		if !isMounted(t, longDir) {
			t.Fatalf("UnmountAll(%s) unmounted %s, mounted from %s", device, longDir, long)
		}
	}
}

// TestOpenIdentifiedLoopSwap: a loop device set up again over another
// image of the same size, between the identification and the open, is
// refused; the same device unchanged is opened.
func TestOpenIdentifiedLoopSwap(t *testing.T) {
	lt := needLoopDevices(t)
	short, _ := lt.namesakes(t)
	host := Host()
	chosen, err := host.Identify(short)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := host.OpenIdentified(short, chosen); err != nil {
		t.Fatalf("unchanged: %v", err)
	} else {
		d.Close()
	}
	other := lt.fsImage(t, "other")
	if out, err := exec.Command(lt.losetup, "-d", short).CombinedOutput(); err != nil {
		t.Fatalf("losetup -d: %v: %s", err, out)
	}
	if out, err := exec.Command(lt.losetup, short, other).CombinedOutput(); err != nil {
		t.Skipf("%s was taken while swapped: %v: %s", short, err, out)
	}
	d, err := host.OpenIdentified(short, chosen)
	var changed *ChangedError
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), other) {
		t.Errorf("after the swap: %v", err)
	}
	if d != nil {
		d.Close()
	}
	t.Log(err)
}
