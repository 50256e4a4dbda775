package qemu_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/qemu"
	"github.com/firmwright/firmwright/qemu/qemutest"
)

// A new rpi3-64 card: autoboot.txt boots BOOT-A (partition 2), whose
// config.txt names the kernel, the initramfs and the mainline device tree;
// on a tryboot it names BOOT-B, which the complete task left blank.
func TestRaspiBootFiles(t *testing.T) {
	image := qemutest.BuildPi(t).Image
	b, err := qemu.ReadRaspiBoot(image, qemu.PiState{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Partition != 2 || b.Label != "BOOT-A" || b.KernelName != "kernel8.img" || b.InitramfsName != "initramfs.cpio.gz" ||
		b.DeviceTreeName != "bcm2710-rpi-3-b.dtb" || string(b.Initramfs) != "initramfs" || b.Tryboot {
		t.Errorf("boot: partition %d %q kernel %q initramfs %q dtb %q tryboot %v", b.Partition, b.Label, b.KernelName, b.InitramfsName, b.DeviceTreeName, b.Tryboot)
	}
	// cmdline-a.txt, with serial0 as QEMU's serial port.
	if !strings.HasPrefix(b.Cmdline, "root=/dev/mmcblk0p5 rootfstype=squashfs rootwait console=tty1 console=ttyAMA0,115200 ") {
		t.Errorf("cmdline: %q", b.Cmdline)
	}
	_, err = qemu.ReadRaspiBoot(image, qemu.PiState{Tryboot: true})
	if want := "boot partition 3 (block 38693): not a FAT filesystem"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("tryboot: got %v, want %q", err, want)
	}
	// A reboot command that names partition 2 wins over autoboot.txt.
	b, err = qemu.ReadRaspiBoot(image, qemu.PiState{Tryboot: true, Partition: 2})
	if err != nil || b.Partition != 2 || !b.Tryboot {
		t.Errorf("tryboot from partition 2: %+v, %v", b, err)
	}
}

// raspiScript is a fake QEMU that prints the boot partition's kernel
// command line's root= and the run number.
const raspiScript = `for a in "$@"; do
  case $prev in -append) cmdline=$a;; esac
  prev=$a
done
echo "run $n: ${cmdline%% *}"
`

func runRaspi(t *testing.T, o qemu.Options, expect ...string) (console, stderr string, err error) {
	t.Helper()
	var errb bytes.Buffer
	out := new(syncBuffer)
	o.Machine, o.Expect, o.Stdout, o.Stderr, o.TempDir = qemu.Raspi3b, patterns(expect...), out, &errb, t.TempDir()
	if o.Timeout == 0 {
		o.Timeout = time.Minute
	}
	err = qemu.Run(context.Background(), o)
	t.Logf("console:\n%sstderr:\n%s", out, &errb)
	return out.String(), errb.String(), err
}

// The reboot command "2 tryboot" sets the tryboot flag for one boot; the
// plain reboot after it clears it. QEMU gets the raspi3b machine, the
// device tree, the card on the SD host and the extra disk on USB, and the
// card is a copy rounded up to a power of two.
func TestRaspiRunTryboot(t *testing.T) {
	image := qemutest.BuildPi(t).Image
	before, _ := os.Stat(image)
	disk := image + ".usb"
	os.WriteFile(disk, make([]byte, 4096), 0o644)
	fake := qemutest.Fake(t, raspiScript+`case $n in
1) echo "[   9.1] reboot: Restarting system with command '2 tryboot'"; exit 0;;
2) echo "[   9.2] reboot: Restarting system"; exit 0;;
esac
echo ready
exec sleep 30
`)
	console, stderr, err := runRaspi(t, qemu.Options{Image: image, QEMU: fake, ExtraDisks: []string{disk}}, `run 3: root=/dev/mmcblk0p5`, `ready`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"the SD card is a sparse copy of " + image + ", 1024 MiB",
		`the guest restarted with command "2 tryboot": the next boot is a tryboot, from partition 2`,
		"booting kernel8.img from partition 2 (BOOT-A, block 63) on a tryboot of " + image,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Count(stderr, "on a tryboot") != 1 {
		t.Errorf("not exactly one tryboot:\n%s", stderr)
	}
	if !strings.Contains(console, "run 1: root=/dev/mmcblk0p5\n") {
		t.Errorf("console: %q", console)
	}
	args := qemutest.Args(t, fake, 1)
	for _, want := range []string{"-M\nraspi3b\n-m\n1G\n-smp\n4\n", "-dtb\n", "/bcm2710-rpi-3-b.dtb\n-initrd\n",
		"-drive\nif=sd,file=", "-drive\nif=none,file=" + disk + ",format=raw,id=usb0\n-device\nusb-storage,drive=usb0\n"} {
		if !strings.Contains(args, want) {
			t.Errorf("QEMU's arguments lack %q:\n%s", want, args)
		}
	}
	if strings.Contains(args, "if=sd,file="+image+",") {
		t.Error("QEMU got the image itself, not a copy")
	}
	if after, _ := os.Stat(image); after.Size() != before.Size() {
		t.Errorf("the image changed size: %d → %d", before.Size(), after.Size())
	}
}

// A power cycle forgets the tryboot flag: the boot after it is from
// autoboot.txt's partition again. --in-place boots the image itself,
// extended to a power of two.
func TestRaspiPowerCycle(t *testing.T) {
	image := qemutest.BuildPi(t).Image
	fake := qemutest.Fake(t, raspiScript+`case $n in
1) echo "[   9.1] reboot: Restarting system with command '2 tryboot'"; exit 0;;
2) echo "trying"; exec sleep 30;;
esac
echo ready
exec sleep 30
`)
	_, stderr, err := runRaspi(t, qemu.Options{Image: image, QEMU: fake, InPlace: true, PowerCycleOn: patterns(`^trying$`)}, `run 3:`, `ready`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, `power cycle (--power-cycle-on "^trying$"); starting QEMU again, cold`) ||
		!strings.HasSuffix(strings.SplitAfter(stderr, "cold\n")[1], "booting kernel8.img from partition 2 (BOOT-A, block 63) of "+image+"\nfirmwright qemu: saw all 2 expected patterns; QEMU stopped\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if st, _ := os.Stat(image); st.Size() != 1<<30 {
		t.Errorf("the image is %d bytes, want 1 GiB", st.Size())
	}
	if !strings.Contains(qemutest.Args(t, fake, 1), "if=sd,file="+image+",format=raw\n") {
		t.Error("QEMU did not get the image itself")
	}
}

// Bad input on raspi3b: an autoboot.txt naming a partition the MBR lacks,
// options the board does not take; QEMU never starts.
func TestRaspiErrors(t *testing.T) {
	image := qemutest.BuildPi(t).Image
	fake := qemutest.Fake(t, "exit 0\n")
	for _, tc := range []struct {
		o    qemu.Options
		want string
	}{
		{qemu.Options{Memory: "512M"}, "raspi3b has 1G of RAM, not 512M"},
		{qemu.Options{CPUs: 2}, "raspi3b has 4 cores, not 2"},
		{qemu.Options{Forwards: []qemu.Forward{{HostPort: 2222, GuestPort: 22}}}, "--forward works on virt only"},
	} {
		tc.o.Image, tc.o.QEMU = image, fake
		if _, _, err := runRaspi(t, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	// Partition 2's MBR entry gone: autoboot.txt names it.
	f, err := os.OpenFile(image, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(make([]byte, 16), 446+16)
	f.Close()
	want := image + ": partition 1, autoboot.txt: boot_partition=2, but the MBR has no partition 2"
	if _, _, err := runRaspi(t, qemu.Options{Image: image, QEMU: fake, InPlace: true}); err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if n := qemutest.Runs(t, fake); n != 0 {
		t.Errorf("QEMU started %d times", n)
	}
}
