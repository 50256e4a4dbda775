package examples_test

// Tryboot A/B on a Raspberry Pi machine, for real, on every commit: the
// example firmware for the rpi3-64 system boots on QEMU's raspi3b (Debian's
// kernel, an initramfs with the SD card's, USB storage's and the reboot's
// drivers), with firmwright qemu doing the Pi firmware's part (autoboot.txt,
// the one-shot tryboot flag). Version 2.0.0 arrives as a delta on a USB
// disk, is applied by the device's own fwup, boots once on a tryboot,
// validates itself and so becomes the slot autoboot.txt boots. Version
// 3.0.0 fails at start: its tryboot boot never validates, the init
// reboots without the flag, and 2.0.0 runs again — the automatic revert.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// rpi3-64 layout (systems/rpi3-64/layout.conf, configs/fwup-common.conf).
const (
	piAutobootOffset = 77323 // partition 1, AUTOBOOT
	piEnvOffset      = 0x2000
	piEnvSize        = 0x2000
)

func TestQEMURaspiTryboot(t *testing.T) {
	qemu := bootTools(t, "boots three firmware versions on QEMU's raspi3b (about five minutes)")
	printenv := oracle.Tool(t, "fw_printenv")
	mtype := oracle.Tool(t, "mtype")
	out := filepath.Join(t.TempDir(), "example")
	if b, err := exec.Command("./build-example", "--system", "rpi3-64", out).CombinedOutput(); err != nil {
		t.Fatalf("build-example: %v\n%s", err, b)
	}
	disk := filepath.Join(out, "hello.img")
	env := func() map[string]string { return piEnv(t, printenv, disk) }
	autoboot := func() string {
		b, err := exec.Command(mtype, "-i", disk+"@@"+itoa(piAutobootOffset*512), "::autoboot.txt").CombinedOutput()
		if err != nil {
			t.Fatalf("mtype autoboot.txt: %v\n%s", err, b)
		}
		return string(b)
	}
	if got := autoboot(); !strings.Contains(got, "[all]\ntryboot_a_b=1\nboot_partition=2\n") {
		t.Errorf("the new card's autoboot.txt:\n%s", got)
	}

	// 1.0.0 from slot A; 2.0.0 arrives, boots once on a tryboot from B and
	// validates.
	stderr := bootPi(t, out, disk, qemu, "hello-v2.patch.fw",
		`deviceinit: formatted /dev/mmcblk0p7 as ext4`,
		`HELLO from firmwright version=1\.0\.0`, `HELLO data=1\b`, `HELLO firmware validated`,
		`HELLO updating to 2\.0\.0`, `HELLO update applied status=0`,
		`reboot: Restarting system with command '0 tryboot'`,
		`HELLO from firmwright version=2\.0\.0`, `HELLO data=2\b`, `HELLO firmware validated`,
		`HELLO no update \(running 2\.0\.0\)`)
	wantBoots(t, stderr, "partition 2 (BOOT-A, block 63) of", "partition 3 (BOOT-B, block 38693) on a tryboot of")
	if got := autoboot(); !strings.Contains(got, "[all]\ntryboot_a_b=1\nboot_partition=3\n") {
		t.Errorf("after 2.0.0 validated, autoboot.txt:\n%s", got)
	}
	wantEnv(t, env(), map[string]string{"a.nerves_fw_version": "1.0.0", "b.nerves_fw_version": "2.0.0", "b.nerves_fw_validated": "1"})

	// Power on again: B, without a tryboot. 3.0.0 arrives, fails at start
	// on its tryboot from A, and the reset after it boots B again.
	stderr = bootPi(t, out, disk, qemu, "hello-v3.patch.fw",
		`HELLO from firmwright version=2\.0\.0`, `HELLO data=[2-9]\b`, `HELLO firmware validated`,
		`HELLO updating to 3\.0\.0`, `HELLO update applied status=0`,
		`reboot: Restarting system with command '0 tryboot'`,
		`HELLO from firmwright version=3\.0\.0`, `HELLO crashing at start`,
		`deviceinit: release exited`, `reboot: Restarting system\s*$`,
		`HELLO from firmwright version=2\.0\.0`, `HELLO data=([3-9]|\d\d)\b`, `HELLO firmware validated`,
		`HELLO not retrying 3\.0\.0`)
	wantBoots(t, stderr, "partition 3 (BOOT-B, block 38693) of", "partition 2 (BOOT-A, block 63) on a tryboot of", "partition 3 (BOOT-B, block 38693) of")
	if got := autoboot(); !strings.Contains(got, "[all]\ntryboot_a_b=1\nboot_partition=3\n") {
		t.Errorf("after 3.0.0 failed, autoboot.txt:\n%s", got)
	}
	wantEnv(t, env(), map[string]string{"a.nerves_fw_version": "3.0.0", "a.nerves_fw_validated": "0",
		"b.nerves_fw_version": "2.0.0", "b.nerves_fw_validated": "1"})
}

// bootPi runs firmwright qemu on the card in place, with the update fw
// on a USB disk, until the patterns have been seen; it returns the
// console and firmwright qemu's notes.
func bootPi(t *testing.T, out, disk, qemu, fw string, expect ...string) string {
	t.Helper()
	update := filepath.Join(out, "usb.img")
	data, err := os.ReadFile(filepath.Join(out, fw))
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, make([]byte, (512-len(data)%512)%512)...)
	if err := os.WriteFile(update, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"qemu", disk, "--machine", "raspi3b", "--in-place", "--qemu", qemu, "--disk", update, "--timeout", "8m"}
	for _, e := range expect {
		args = append(args, "--expect", e)
	}
	var console bytes.Buffer
	run := exec.Command(filepath.Join(out, "firmwright"), args...)
	run.Stdin = bytes.NewReader(nil)
	run.Stdout, run.Stderr = &console, &console
	err = run.Run()
	t.Logf("console (%s):\n%s", fw, console.String())
	if err != nil {
		t.Fatalf("firmwright qemu: %v", err)
	}
	return console.String()
}

// wantBoots checks the boot partitions firmwright qemu said it booted, in
// order.
func wantBoots(t *testing.T, stderr string, want ...string) {
	t.Helper()
	got := regexp.MustCompile(`firmwright qemu: booting kernel8\.img from (.*) \S+\n`).FindAllStringSubmatch(stderr, -1)
	var boots []string
	for _, m := range got {
		boots = append(boots, m[1])
	}
	if strings.Join(boots, "\n") != strings.Join(want, "\n") {
		t.Errorf("boots:\n%s\nwant:\n%s", strings.Join(boots, "\n"), strings.Join(want, "\n"))
	}
}

// piEnv is the card's U-Boot environment, read by fw_printenv.
func piEnv(t *testing.T, printenv, disk string) map[string]string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "fw_env.config")
	if err := os.WriteFile(cfg, []byte(disk+" "+hex(piEnvOffset)+" "+hex(piEnvSize)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(printenv, "-c", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("fw_printenv: %v\n%s", err, b)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env
}

func wantEnv(t *testing.T, env, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if env[k] != v {
			t.Errorf("env %s = %q, want %q", k, env[k], v)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func hex(n int) string { return "0x" + strconv.FormatInt(int64(n), 16) }
