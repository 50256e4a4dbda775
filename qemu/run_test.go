package qemu_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firmwright/firmwright/qemu"
	"github.com/firmwright/firmwright/qemu/qemutest"
)

// bootScript is the start of a fake QEMU's script: it finds the kernel
// and the image in its arguments and prints the kernel's first line, as
// a guest would print its version.
const bootScript = `for a in "$@"; do
  case $prev in -kernel) kernel=$a;; esac
  case $a in if=none,file=*,id=disk0) image=${a#if=none,file=}; image=${image%,format=raw,id=disk0};; esac
  prev=$a
done
echo "Booting Linux"
echo "HELLO $(head -n 1 "$kernel")"
`

// syncBuffer is a console copy the test can read while Run writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func patterns(exprs ...string) []*regexp.Regexp {
	var res []*regexp.Regexp
	for _, e := range exprs {
		res = append(res, regexp.MustCompile(e))
	}
	return res
}

// run runs a fake QEMU with script body on image and returns the console
// and Run's error.
func run(t *testing.T, fake, image string, timeout time.Duration, expect ...string) (string, error) {
	t.Helper()
	var stderr bytes.Buffer
	console := new(syncBuffer)
	err := qemu.Run(context.Background(), qemu.Options{Image: image, QEMU: fake, Timeout: timeout,
		Expect: patterns(expect...), Stdout: console, Stderr: &stderr, TempDir: t.TempDir()})
	t.Logf("console:\n%sstderr:\n%s", console, &stderr)
	return console.String(), err
}

// An upgrade inside the guest rewrites the MBR and reboots: QEMU is
// started again with the other slot's kernel.
func TestQemuRunRebootSwitchesSlot(t *testing.T) {
	v1 := qemutest.Build(t, kernel("1"))
	v2 := qemutest.Build(t, kernel("2"))
	image := v1.Image
	mbrA := readFile(t, image)[:512]
	upgrade(t, v2.Output, image)
	mbrB := readFile(t, image)[:512]
	patch(t, image, 0, mbrA)
	mbrFile := filepath.Join(t.TempDir(), "mbr-b")
	if err := os.WriteFile(mbrFile, mbrB, 0o644); err != nil {
		t.Fatal(err)
	}

	fake := qemutest.Fake(t, bootScript+`case $(head -n 1 "$kernel") in
*"kernel 1") dd if=`+mbrFile+` of="$image" conv=notrunc status=none; echo "[   3.1] reboot: Restarting system"; exit 0;;
esac
printf 'iex(1)> '
exec sleep 30
`)
	console, err := run(t, fake, image, time.Minute, `HELLO arm64 kernel 1`, `HELLO arm64 kernel 2`, `^iex\(1\)> $`)
	if err != nil {
		t.Fatal(err)
	}
	if n := qemutest.Runs(t, fake); n != 2 {
		t.Errorf("QEMU started %d times, want 2", n)
	}
	// The image now covers its last partition (APP, up to block 1574912).
	if st, err := os.Stat(image); err != nil || st.Size() != 1574912*512 {
		t.Errorf("image size: %v, %v", st.Size(), err)
	}
	if !strings.Contains(console, "HELLO arm64 kernel 1\n[   3.1] reboot: Restarting system\nBooting Linux\nHELLO arm64 kernel 2\n") {
		t.Errorf("console:\n%s", console)
	}
	args := strings.Split(strings.TrimSuffix(qemutest.Args(t, fake, 2), "\n"), "\n")
	dir := filepath.Dir(args[13])
	want := []string{"-M", "virt", "-cpu", "cortex-a72", "-m", "512M", "-smp", "2", "-nographic", "-no-reboot",
		"-kernel", filepath.Join(dir, "Image"), "-initrd", filepath.Join(dir, "initramfs.cpio.gz"), "-append", cmdline,
		"-drive", "if=none,file=" + image + ",format=raw,id=disk0", "-device", "virtio-blk-device,drive=disk0"}
	if strings.Join(args, "\n") != strings.Join(want, "\n") {
		t.Errorf("QEMU's arguments:\n%q\nwant\n%q", args, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the boot files' directory %s is still there (%v)", dir, err)
	}
}

func TestQemuRunEnds(t *testing.T) {
	image := qemutest.Build(t, kernel("1")).Image
	for _, tc := range []struct {
		name, script string
		timeout      time.Duration
		expect       []string
		want         string // error text, "" for none
		runs         int
	}{
		{name: "power off", script: "echo 'reboot: Power down'\n", runs: 1},
		{name: "power off early", script: "echo 'reboot: Power down'\n", expect: []string{"HELLO", "version=2"},
			want: `the guest powered off before "version=2" appeared on the console`, runs: 1},
		{name: "quit", script: "exit 0\n", runs: 1},
		{name: "quit early", script: "exit 0\n", expect: []string{"login:"},
			want: `QEMU exited before "login:" appeared on the console`, runs: 1},
		{name: "QEMU fails", script: "echo 'qemu-system-aarch64: -drive x: Could not open' >&2\nexit 1\n", expect: []string{"login:"},
			want: "qemu-system-aarch64: exit status 1: qemu-system-aarch64: -drive x: Could not open", runs: 1},
		{name: "timeout", script: "exec sleep 30\n", timeout: 300 * time.Millisecond, expect: []string{"HELLO", "never"},
			want: `timed out after 300ms waiting for "never" on the console`, runs: 1},
		{name: "timeout, no patterns", script: "exec sleep 30\n", timeout: 300 * time.Millisecond,
			want: "timed out after 300ms with the guest still running", runs: 1},
		{name: "reboot loop", script: "echo 'reboot: Restarting system'\n", timeout: time.Second, expect: []string{"never"},
			want: `timed out after 1s waiting for "never" on the console`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := qemutest.Fake(t, bootScript+tc.script)
			start := time.Now()
			_, err := run(t, fake, image, tc.timeout, tc.expect...)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Errorf("got error %v, want %q", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if n := qemutest.Runs(t, fake); tc.runs != 0 && n != tc.runs || tc.runs == 0 && n < 2 {
				t.Errorf("QEMU started %d times", n)
			}
		})
	}
}

func TestQemuRunCancel(t *testing.T) {
	image := qemutest.Build(t, kernel("1")).Image
	fake := qemutest.Fake(t, bootScript+"exec sleep 30\n")
	ctx, cancel := context.WithCancel(context.Background())
	console := new(syncBuffer)
	done := make(chan error)
	go func() { done <- qemu.Run(ctx, qemu.Options{Image: image, QEMU: fake, Stdout: console}) }()
	for !strings.Contains(console.String(), "HELLO") {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop QEMU")
	}
}

func TestQemuRunBadInput(t *testing.T) {
	image := qemutest.Build(t, kernel("1")).Image
	fake := qemutest.Fake(t, "exit 0\n")
	zeros := filepath.Join(t.TempDir(), "zeros.img")
	if err := os.WriteFile(zeros, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	for _, tc := range []struct {
		o    qemu.Options
		want string
	}{
		{qemu.Options{Image: image}, "qemu-system-aarch64 not found in PATH: install it (Debian and Ubuntu package qemu-system-arm), or give its path with --qemu"},
		{qemu.Options{Image: image, QEMU: "/nowhere/qemu"}, "QEMU binary: exec: \"/nowhere/qemu\": stat /nowhere/qemu: no such file or directory"},
		{qemu.Options{Image: zeros, QEMU: fake}, zeros + ": no MBR signature (0x55AA) at byte 510: not a disk image"},
		{qemu.Options{Image: image, QEMU: fake, ExtraDisks: []string{"/nowhere/disk.img"}}, "disk: stat /nowhere/disk.img: no such file or directory"},
	} {
		if err := qemu.Run(context.Background(), tc.o); err == nil || err.Error() != tc.want {
			t.Errorf("got error %v, want %q", err, tc.want)
		}
	}
	if n := qemutest.Runs(t, fake); n != 0 {
		t.Errorf("QEMU started %d times", n)
	}
}

// Extra disks follow the image as /dev/vdb, /dev/vdc: their -device
// options come before the image's, in reverse.
func TestQemuArgsDisks(t *testing.T) {
	o := qemu.Options{Image: "a,b.img", ExtraDisks: []string{"data.img", "more.img"}, Memory: "1G", CPUs: 4}
	got := strings.Join(o.Args("/t/Image", "", ""), " ")
	want := "-M virt -cpu cortex-a72 -m 1G -smp 4 -nographic -no-reboot -kernel /t/Image" +
		" -drive if=none,file=a,,b.img,format=raw,id=disk0 -drive if=none,file=data.img,format=raw,id=disk1 -drive if=none,file=more.img,format=raw,id=disk2" +
		" -device virtio-blk-device,drive=disk2 -device virtio-blk-device,drive=disk1 -device virtio-blk-device,drive=disk0"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
