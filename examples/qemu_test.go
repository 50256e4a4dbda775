package examples_test

// The Nerves update story, for real, on every commit: the example firmware
// for the qemu-aarch64 system boots under qemu-system-aarch64 with
// firmwright as init, runs version 1.0.0 of the example release, applies
// version 2.0.0 as a delta update (hello-v2.patch.fw: its rootfs and boot
// files patched against slot A's) from a second disk with the device's own
// fwup (firmwright for arm64), reboots, and runs 2.0.0 from ROOTFS-B with
// the data v1 wrote. Then, on a fresh copy of the image, the same update
// arrives over the network: firmwright upload to the release's SSH
// daemon (its fwup subsystem), through a port QEMU forwards.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/fwup/mbr"
	"github.com/firmwright/firmwright/fwup/ubootenv"
	"github.com/firmwright/firmwright/internal/oracle"
)

// qemu-aarch64 layout (systems/qemu-aarch64/layout.conf), in blocks.
const (
	rootfsAOffset = 264192
	rootfsBOffset = 788480
)

// bootTools skips the test under -short (saying why) and returns the
// QEMU binary, after checking the tools build-example needs.
func bootTools(t *testing.T, why string) string {
	t.Helper()
	if testing.Short() {
		t.Skip(why + "; not with -short")
	}
	qemu := oracle.Tool(t, "qemu-system-aarch64")
	for _, tool := range []string{"dpkg-deb", "readelf", "mix"} {
		oracle.Tool(t, tool)
	}
	return qemu
}

func TestQEMUUpdate(t *testing.T) {
	qemu := bootTools(t, "boots two firmware versions under QEMU (about a minute)")
	ssh := oracle.Tool(t, "ssh-keygen")
	out := filepath.Join(t.TempDir(), "example")
	// A client key the device's SSH daemon takes (for TestQEMUUpload's part).
	clientKey := filepath.Join(t.TempDir(), "id_ed25519")
	if b, err := exec.Command(ssh, "-q", "-t", "ed25519", "-N", "", "-f", clientKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, b)
	}
	cmd := exec.Command("./build-example", "--system", "qemu-aarch64", "--authorized-keys", clientKey+".pub", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-example: %v\n%s", err, b)
	}

	// The README promises one static binary: the one the example builds
	// for this host, and the one it puts on the device, have no dynamic
	// section (no interpreter, no shared libraries).
	for _, bin := range []string{filepath.Join(out, "firmwright"), filepath.Join(out, "inputs", "firmwright-device-linux-arm64")} {
		dyn, err := exec.Command("readelf", "-d", bin).CombinedOutput()
		if err != nil || !bytes.Contains(dyn, []byte("There is no dynamic section in this file.")) {
			t.Errorf("%s is not static (readelf -d: %v):\n%s", bin, err, dyn)
		}
	}

	// The update, as a disk: the .fw padded to whole blocks.
	update := filepath.Join(out, "update.img")
	fw, err := os.ReadFile(filepath.Join(out, "hello-v2.patch.fw"))
	if err != nil {
		t.Fatal(err)
	}
	fw = append(fw, make([]byte, (512-len(fw)%512)%512)...)
	os.WriteFile(update, fw, 0o644)
	disk := filepath.Join(out, "hello.img")

	if table := readMBR(t, disk); table.Partitions[1].BlockOffset != rootfsAOffset {
		t.Fatalf("the new image's root is at block %d, want ROOTFS-A", table.Partitions[1].BlockOffset)
	}
	// A copy of the new image for the upload, after this update.
	uploadDisk := filepath.Join(out, "hello-upload.img")
	if b, err := exec.Command("cp", "--sparse=always", disk, uploadDisk).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, b)
	}
	defer t.Run("upload", func(t *testing.T) { testUpload(t, out, uploadDisk, clientKey, qemu) })
	var console bytes.Buffer
	run := exec.Command(filepath.Join(out, "firmwright"), "qemu", disk, "--qemu", qemu, "--disk", update, "--timeout", "8m",
		"--expect", `deviceinit: formatted /dev/vda3 as ext4`,
		"--expect", `deviceinit: network: eth0 10\.0\.2\.15/24 via 10\.0\.2\.2`,
		"--expect", `HELLO from firmwright version=1\.0\.0`,
		"--expect", `HELLO data=1\b`,
		"--expect", `HELLO updating to 2\.0\.0`,
		"--expect", `HELLO update applied status=0`,
		"--expect", `reboot: Restarting system`,
		"--expect", `HELLO from firmwright version=2\.0\.0`,
		"--expect", `HELLO data=2\b`,
		"--expect", `HELLO no update \(running 2\.0\.0\)`)
	run.Stdin = bytes.NewReader(nil)
	run.Stdout, run.Stderr = &console, &console
	err = run.Run()
	t.Logf("console:\n%s", console.String())
	if err != nil {
		t.Fatalf("firmwright qemu: %v", err)
	}

	// After the update the MBR names ROOTFS-B, and the env says so.
	if table := readMBR(t, disk); table.Partitions[1].BlockOffset != rootfsBOffset {
		t.Errorf("after the update the root is at block %d, want ROOTFS-B (%d)", table.Partitions[1].BlockOffset, rootfsBOffset)
	}
	env := &ubootenv.Env{BlockOffset: 16, BlockCount: 16}
	block := make([]byte, env.Size())
	f, err := os.Open(disk)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.ReadAt(block, 16*512)
	if err := env.Decode(block); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"nerves_fw_active": "b", "b.nerves_fw_version": "2.0.0", "a.nerves_fw_version": "1.0.0", "b.nerves_fw_validated": "1"} {
		if got, _ := env.Get(k); got != want {
			t.Errorf("env %s = %q, want %q", k, got, want)
		}
	}
}

func readMBR(t *testing.T, path string) *mbr.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var block [512]byte
	if _, err := f.ReadAt(block[:], 0); err != nil {
		t.Fatal(err)
	}
	table, err := mbr.Decode(block)
	if err != nil {
		t.Fatal(err)
	}
	return table
}
