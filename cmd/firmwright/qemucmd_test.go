package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/qemu/qemutest"
)

func runQemuCommand(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	sys := &system{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Env: map[string]string{}}
	err = qemuCommand(sys).Run(context.Background(), append([]string{"qemu"}, args...))
	return out.String(), errb.String(), err
}

func TestQemuCommand(t *testing.T) {
	image := qemutest.Build(t, []byte("kernel\n")).Image
	fake := qemutest.Fake(t, "echo 'Booting Linux'\necho 'data=1,2 ready'\nexec sleep 30\n")
	disk := filepath.Join(t.TempDir(), "data.img")
	if err := os.WriteFile(disk, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runQemuCommand(t, image, "--qemu", fake, "--memory", "1G", "--cpus", "4", "--disk", disk,
		"--timeout", "1m", "--expect", "Booting", "--expect", `data=\d,\d{1,2} ready`)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if stdout != "Booting Linux\ndata=1,2 ready\n" {
		t.Errorf("console: %q", stdout)
	}
	if !strings.Contains(stderr, "booting Image from partition 1 (BOOT-A, block 2048) of "+image) {
		t.Errorf("stderr: %q", stderr)
	}
	args := qemutest.Args(t, fake, 1)
	for _, want := range []string{"-m\n1G\n-smp\n4\n", "-append\nconsole=ttyAMA0 root=/dev/vda2 rootfstype=squashfs rootwait\n",
		"-drive\nif=none,file=" + image + ",format=raw,id=disk0\n-drive\nif=none,file=" + disk + ",format=raw,id=disk1\n" +
			"-device\nvirtio-blk-device,drive=disk1\n-device\nvirtio-blk-device,drive=disk0\n"} {
		if !strings.Contains(args, want) {
			t.Errorf("QEMU's arguments lack %q:\n%s", want, args)
		}
	}
}

func TestQemuCommandErrors(t *testing.T) {
	zeros := filepath.Join(t.TempDir(), "zeros.img")
	if err := os.WriteFile(zeros, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := qemutest.Fake(t, "echo 'reboot: Power down'\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--qemu", fake, zeros}, zeros + ": no MBR signature (0x55AA) at byte 510: not a disk image"},
		{[]string{"--qemu", fake}, "qemu: give one disk image"},
		{[]string{"--qemu", fake, "--expect", "(", zeros}, "qemu: --expect: error parsing regexp: missing closing ): `(`"},
		{[]string{"--qemu", fake, "--cpus", "0", zeros}, "qemu: --cpus must be at least 1"},
		{[]string{"--qemu", filepath.Join(t.TempDir(), "none"), zeros}, "QEMU binary: exec:"},
	} {
		_, _, err := runQemuCommand(t, tc.args...)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got error %v, want %q", tc.args, err, tc.want)
		}
	}
	if n := qemutest.Runs(t, fake); n != 0 {
		t.Errorf("QEMU started %d times", n)
	}
}

// TestQemuRefusesOtherBoards: an rpi4 image is refused before QEMU starts
// and before the file is grown.
func TestQemuRefusesOtherBoards(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(spec.Image)
	if err != nil {
		t.Fatal(err)
	}
	fake := qemutest.Fake(t, "echo 'reboot: Power down'\n")
	_, _, err = runQemuCommand(t, "--qemu", fake, spec.Image)
	want := spec.Image + ": firmware for rpi4: this QEMU has no Raspberry Pi 4 or 5 machine; firmwright qemu boots qemu-aarch64 (virt) and rpi3-64 (raspi3b) images (its U-Boot environment names the platform)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
	if after, _ := os.Stat(spec.Image); after.Size() != before.Size() {
		t.Errorf("the image grew from %d to %d bytes", before.Size(), after.Size())
	}
	if n := qemutest.Runs(t, fake); n != 0 {
		t.Errorf("QEMU started %d times", n)
	}
}

// An rpi3-64 image boots on raspi3b without --machine; a qemu-aarch64
// image is refused on raspi3b, and so is a file that is no image.
func TestQemuMachine(t *testing.T) {
	pi := qemutest.BuildPi(t).Image
	fake := qemutest.Fake(t, "echo ready\nexec sleep 30\n")
	if _, stderr, err := runQemuCommand(t, "--qemu", fake, "--timeout", "1m", "--expect", "ready", pi); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if args := qemutest.Args(t, fake, 1); !strings.Contains(args, "-M\nraspi3b\n") {
		t.Errorf("QEMU's arguments:\n%s", args)
	}
	virt := qemutest.Build(t, []byte("kernel\n")).Image
	zeros := filepath.Join(t.TempDir(), "zeros.img")
	os.WriteFile(zeros, make([]byte, 4096), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--machine", "raspi3b", virt}, virt + " is firmware for qemu-aarch64 (its U-Boot environment says so), which boots on --machine virt, not raspi3b"},
		{[]string{"--machine", "raspi3b", zeros}, zeros + ": no MBR signature (0x55AA) at byte 510: not a disk image"},
		{[]string{"--machine", "pi5", zeros}, "qemu: --machine pi5: expected virt or raspi3b"},
		{[]string{"--power-cycle-on", "(", zeros}, "qemu: --power-cycle-on: error parsing regexp"},
	} {
		_, _, err := runQemuCommand(t, append([]string{"--qemu", fake}, tc.args...)...)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.args, err, tc.want)
		}
	}
	if n := qemutest.Runs(t, fake); n != 1 {
		t.Errorf("QEMU started %d times, want 1", n)
	}
}
