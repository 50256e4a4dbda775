package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/oracle"
)

// TestBuildFromEnvironment: in CI every flag can come from a
// FIRMWRIGHT_<FLAG> variable; the command prints a line per stage and
// writes the .fw and the image.
func TestBuildFromEnvironment(t *testing.T) {
	images, release := buildertest.Inputs(t, buildertest.System(t, "rpi4"), 1<<20)
	out := t.TempDir()
	env := map[string]string{
		"FIRMWRIGHT_SYSTEM": "rpi4", "FIRMWRIGHT_BASE": images, "FIRMWRIGHT_RELEASE": release,
		"FIRMWRIGHT_OUTPUT": filepath.Join(out, "x.fw"), "FIRMWRIGHT_IMAGE": filepath.Join(out, "x.img"),
		"FIRMWRIGHT_DEFINE":  "NERVES_FW_MISC=from-define,NERVES_FW_AUTHOR=someone",
		"FIRMWRIGHT_VERSION": "9.9.9", "SOURCE_DATE_EPOCH": "1700000000",
	}
	stdout, stderr, code := runCLI(t, env, "build")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"checked inputs for system rpi4", "ops.fw", "rootfs.img SquashFS gzip", "x.fw, unsigned, and x.img (complete, 336 MB)", "Firmware built: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	info, _, _ := runCLI(t, nil, "info", filepath.Join(out, "x.fw"))
	for _, want := range []string{"9.9.9", "from-define", "someone", "rpi4"} {
		if !strings.Contains(info, want) {
			t.Errorf("info lacks %q:\n%s", want, info)
		}
	}
	// A flag wins over its variable.
	_, stderr, code = runCLI(t, env, "build", "--system", "rpi9")
	if code == 0 || !strings.Contains(stderr, `no system named "rpi9"`) || !strings.Contains(stderr, "rpi0, rpi3, rpi3-64, rpi4, rpi5") {
		t.Errorf("--system rpi9: exit %d, %s", code, stderr)
	}
}

// TestBuildChecksBeforeWork: outputs in folders that cannot take them
// and a release built for another machine stop the build with the other
// checks, before any stage runs, every problem at once; no message names
// a temporary file.
func TestBuildChecksBeforeWork(t *testing.T) {
	images, release := buildertest.Inputs(t, buildertest.System(t, "rpi4"), 1<<20)
	// A release whose ERTS is this test's own x86-64 binary.
	_, hostRelease := buildertest.Inputs(t, buildertest.System(t, "rpi4"), 1<<20)
	self, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(hostRelease, "erts-13.1/bin/beam.smp"), self, 0o755)
	out := t.TempDir()
	base := []string{"build", "--system", "rpi4", "--base", images, "--release", release}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-o", "/proc/x.fw", "--image", filepath.Join(out, "nowhere", "x.img")},
			[]string{"--output /proc/x.fw: cannot write in /proc: ", "--image " + filepath.Join(out, "nowhere", "x.img") + ": there is no folder " + filepath.Join(out, "nowhere")}},
		{[]string{"-o", filepath.Join(out, "x.fw"), "--release", hostRelease}, []string{"erts-13.1/bin/beam.smp", "The release must be built for the board"}},
	} {
		stdout, stderr, code := runCLI(t, map[string]string{"TMPDIR": out}, append(base, tc.args...)...)
		if code != 1 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args, code, stdout)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
		if strings.Contains(stderr, ".tmp-") || strings.Contains(stderr, ".building") {
			t.Errorf("%v: the message names a temporary file: %s", tc.args, stderr)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

// TestMessagesNameWhatTheUserGave: an output that cannot be made is named
// as given, never by a temporary name, and sign blames the output, not
// its input.
func TestMessagesNameWhatTheUserGave(t *testing.T) {
	dir := t.TempDir()
	fw := refPath(t, "ref-unsigned.fw")
	if _, stderr, code := runCLI(t, nil, "keygen", "-o", filepath.Join(dir, "k")); code != 0 {
		t.Fatal(stderr)
	}
	for _, args := range [][]string{
		{"sign", "-s", filepath.Join(dir, "k.priv"), "-o", "/proc/x.fw", fw},
		{"image", fw, "-o", "/proc/x.img"},
		{"create", "-o", "/proc/x.fw", filepath.Join(dir, "none.conf")},
	} {
		_, stderr, code := runCLI(t, nil, args...)
		if code != 1 || strings.Contains(stderr, ".tmp-") || strings.Contains(stderr, fw+":") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	_, stderr, _ := runCLI(t, nil, "sign", "-s", filepath.Join(dir, "k.priv"), "-o", "/proc/x.fw", fw)
	if !strings.HasPrefix(stderr, "firmwright: create /proc/x.fw: ") {
		t.Errorf("sign into /proc: %q", stderr)
	}
}

func TestSystemsCommand(t *testing.T) {
	stdout, stderr, code := runCLI(t, nil, "systems")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{
		"rpi0 — ", "rpi3 — ", "rpi3-64 — ", "rpi4 — ", "rpi5 — ",
		"ROOTFS_A      p5       110080   272666   133.1  0x83",
		"APP      p7      1310544  1048576  512.0+  0x83",
		"rpi4 — Raspberry Pi 4 Model B and Pi 400, 64-bit\n  platform rpi4, architecture arm, release ELF aarch64, kernel Image or Image.gz\n",
		"  boot files: firmware fixup4x.dat+start4x.elf or fixup4.dat+start4.elf; device tree bcm2711-rpi-4-b.dtb; when present bcm2711-rpi-400.dtb, bcm2711-rpi-cm4.dtb, bcm2711-rpi-cm4s.dtb, overlays/*.dtbo, overlays/overlay_map.dtb\n",
		"  boot files: firmware fixup_x.dat+start_x.elf or fixup.dat+start.elf; rpi-firmware/bootcode.bin; device tree bcm2710-rpi-3-b.dtb or bcm2837-rpi-3-b.dtb; ",
		// qemu-aarch64 swaps tables between slots: both are shown.
		"BOOT_B      p1       133120  131072    64.0  0x0c  mbr-b",
		"APP      p3      1312768  262144  128.0+  0x83    all",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("systems lacks %q:\n%s", want, stdout)
		}
	}
}

// TestPickCard: with no --device, burn offers the removable cards (never
// the system disk), with their size and model, and takes the answer.
func TestPickCard(t *testing.T) {
	cards := fakeCards(t, "sdb", "sdc")
	os.WriteFile(filepath.Join(cards.Root, "sys/block/sdc/device/vendor"), nil, 0o644)
	os.MkdirAll(filepath.Join(cards.Root, "sys/block/sdc/device"), 0o755)
	os.WriteFile(filepath.Join(cards.Root, "sys/block/sdc/device/vendor"), []byte("Generic \n"), 0o644)
	os.WriteFile(filepath.Join(cards.Root, "sys/block/sdc/device/model"), []byte("STORAGE DEVICE  \n"), 0o644)
	var errb strings.Builder
	sys := &system{Stderr: &errb, Cards: cards}
	c, err := sys.PickCard(bufio.NewReader(strings.NewReader("2\n")), false)
	if err != nil || c.Path != "/dev/sdc" {
		t.Fatalf("picked %v, %v", c, err)
	}
	want := "Memory cards found:\n  1) /dev/sdb, 15.93 GB\n  2) /dev/sdc, 15.93 GB, Generic STORAGE DEVICE\nWhich one (1-2)? Everything on it is lost. "
	if errb.String() != want {
		t.Errorf("menu:\n%q\nwant\n%q", errb.String(), want)
	}
	if _, err := sys.PickCard(bufio.NewReader(strings.NewReader("3\n")), false); err == nil {
		t.Error("an answer out of range picked a card")
	}
	if _, err := sys.PickCard(bufio.NewReader(strings.NewReader("")), true); err == nil || !strings.Contains(err.Error(), "--device") {
		t.Errorf("-y with two cards: %v", err)
	}
	one := &system{Stderr: &errb, Cards: fakeCards(t, "sdb")}
	if _, err := one.PickCard(bufio.NewReader(strings.NewReader("n\n")), false); err == nil {
		t.Error("answering n picked the card")
	}
	if c, err := one.PickCard(bufio.NewReader(strings.NewReader("y\n")), false); err != nil || c.Path != "/dev/sdb" {
		t.Errorf("answering y: %v %v", c, err)
	}
	if _, err := (&system{Stderr: &errb, Cards: fakeCards(t)}).PickCard(bufio.NewReader(strings.NewReader("")), true); err == nil ||
		!strings.Contains(err.Error(), "no memory card found") {
		t.Errorf("no card: %v", err)
	}
}

// TestBurnLoopDevice burns a firmware to a loop device end to end: the
// card's partition table is the Nerves one with APP grown to the card,
// the serial number given on the command line is in the environment
// block, and the boot files are on BOOT-A.
func TestBurnLoopDevice(t *testing.T) {
	oracle.Root(t, "burn writes a loop device")
	losetup := oracle.Tool(t, "losetup")
	sfdisk := oracle.Tool(t, "sfdisk")
	printenv := oracle.Tool(t, "fw_printenv")
	mtype := oracle.Tool(t, "mtype")

	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	spec.Image = ""
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	backing := filepath.Join(t.TempDir(), "card")
	if err := os.WriteFile(backing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Truncate(backing, 1<<30)
	dev, err := exec.Command(losetup, "--find", "--show", backing).Output()
	if err != nil {
		oracle.SkipOrFail(t, "losetup: %v (no loop devices here?)", err)
	}
	loop := strings.TrimSpace(string(dev))
	t.Cleanup(func() { exec.Command(losetup, "-d", loop).Run() })

	if _, stderr, code := runCLI(t, map[string]string{}, "burn", spec.Output, "--device", loop, "-y", "-q"); code == 0 ||
		!strings.Contains(stderr, "not a removable memory card") {
		t.Errorf("burn to a loop device without --any-disk: exit %d, %s", code, stderr)
	}
	stdout, stderr, code := runCLI(t, map[string]string{}, "burn", spec.Output, "--device", loop, "-y", "--any-disk", "--serial-number", "1234", "-q")
	if code != 0 {
		t.Fatalf("burn: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Burned ") {
		t.Errorf("burn said %q", stdout)
	}
	table, err := exec.Command(sfdisk, "-d", loop).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"p1 : start=       77323, size=       32749, type=c, bootable",
		"p2 : start=          63, size=       38630, type=c, bootable",
		"p5 : start=      110080, size=      272666, type=83",
		"p7 : start=      655412, size=     1441740, type=83", // grown to the 1 GiB card
	} {
		if !strings.Contains(string(table), want) {
			t.Errorf("sfdisk -d lacks %q:\n%s", want, table)
		}
	}
	cfg := filepath.Join(t.TempDir(), "fw_env.config")
	os.WriteFile(cfg, []byte(loop+" 0x2000 0x2000\n"), 0o644)
	env, err := exec.Command(printenv, "-c", cfg, "nerves_serial_number", "a.nerves_fw_platform").CombinedOutput()
	if err != nil || string(env) != "nerves_serial_number=1234\na.nerves_fw_platform=rpi4\n" {
		t.Errorf("fw_printenv: %q %v", env, err)
	}
	cmd := exec.Command(mtype, "-i", loop+"@@"+"32256", "::cmdline.txt")
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	if got, err := cmd.Output(); err != nil || !strings.Contains(string(got), "root=/dev/mmcblk0p5") {
		t.Errorf("BOOT-A cmdline.txt: %q %v", got, err)
	}
}
