package builder_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/fat"
	"github.com/firmwright/firmwright/fwup/mbr"
	"github.com/firmwright/firmwright/fwup/ubootenv"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// rpi4 offsets (nerves-rpi.md §1.2), in blocks.
const (
	autobootOff = 77323
	bootAOff    = 63
	bootBOff    = 38693
	rootfsAOff  = 110080
	rootfsBOff  = 382746
)

// runningSlot is the device side of require-path-at-offset for an image:
// it says / is mounted from the partition at root.
type runningSlot struct{ root int64 }

func (h runningSlot) PathOnDevice(string, string) bool { return false }
func (h runningSlot) PathAtOffset(path string, off int64) bool {
	return path == "/" && off == h.root
}
func (runningSlot) Run(string) (int, error)                    { return 0, errors.New("not on a device") }
func (runningSlot) Pipe(string, io.Reader) error               { return errors.New("not on a device") }
func (runningSlot) WriteFile(p string) (io.WriteCloser, error) { return os.Create(p) }
func (runningSlot) UpdateUBIVolume(string, int64) (io.WriteCloser, error) {
	return nil, errors.New("not on a device")
}

// card is an image file to read back.
type card struct {
	t *testing.T
	f *os.File
}

func openCard(t *testing.T, path string) *card {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &card{t: t, f: f}
}

func (c *card) file(off int64, name string) string {
	c.t.Helper()
	v := fat.NewVolumes(c.f)
	buf := make([]byte, 64<<20)
	n, err := v.PRead(off, name, 0, buf)
	if err != nil && err != io.EOF {
		c.t.Fatalf("reading %s at block %d: %v", name, off, err)
	}
	return string(buf[:n])
}

func (c *card) env() *ubootenv.Env {
	c.t.Helper()
	e := &ubootenv.Env{BlockOffset: 16, BlockCount: 16}
	data := make([]byte, e.Size())
	if _, err := c.f.ReadAt(data, 16*512); err != nil {
		c.t.Fatal(err)
	}
	if err := e.Decode(data); err != nil {
		c.t.Fatal(err)
	}
	return e
}

func (c *card) want(vars map[string]string) {
	c.t.Helper()
	e := c.env()
	for k, v := range vars {
		if got, _ := e.Get(k); got != v {
			c.t.Errorf("env %s = %q, want %q", k, got, v)
		}
	}
}

// apply runs a task of fw on the card with the given slot running and
// returns what info() printed and the reboot param written.
func (c *card) apply(fw io.Reader, task string, root int64) (info, param string, err error) {
	paramPath := filepath.Join(c.t.TempDir(), "reboot-param")
	var msgs []string
	err = apply.Run(fw, c.f, apply.Options{Task: task, Host: runningSlot{root}, RebootParamPath: paramPath,
		Info: func(m string) { msgs = append(msgs, m) }})
	p, rerr := os.ReadFile(paramPath)
	if rerr != nil && !os.IsNotExist(rerr) {
		c.t.Fatal(rerr) // a task that sets no reboot param writes no file
	}
	return strings.Join(msgs, "\n"), string(p), err
}

const autobootA = "[all]\ntryboot_a_b=1\nboot_partition=2\n[tryboot]\nboot_partition=3\n"
const autobootB = "[all]\ntryboot_a_b=1\nboot_partition=3\n[tryboot]\nboot_partition=2\n"

// TestTrybootUpdate follows a card through the Nerves tryboot story:
// complete writes slot A; upgrade (running A) writes B and asks for
// "0 tryboot" without touching autoboot.txt; ops.fw's status says a trial
// is running; validate (running B) makes B the slot that boots.
func TestTrybootUpdate(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 4<<20)
	spec.Meta.Version = "1.2.3"
	res, err := builder.Build(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	c := openCard(t, spec.Image)

	// complete
	if got := c.file(autobootOff, "autoboot.txt"); got != autobootA {
		t.Errorf("AUTOBOOT autoboot.txt = %q", got)
	}
	if got := c.file(bootAOff, "cmdline.txt"); !strings.Contains(got, "root=/dev/mmcblk0p5 ") {
		t.Errorf("BOOT-A cmdline.txt = %q", got)
	}
	kernel := fwtest.ReadFile(t, filepath.Join(spec.Images, "Image"))
	if c.file(bootAOff, "kernel8.img") != string(kernel) {
		t.Error("BOOT-A kernel8.img is not images/Image")
	}
	start4 := fwtest.ReadFile(t, filepath.Join(spec.Images, "rpi-firmware/start4x.elf"))
	if c.file(bootAOff, "start4.elf") != string(start4) || c.file(autobootOff, "start4.elf") != string(start4) {
		t.Error("start4.elf (from start4x.elf) is not on both AUTOBOOT and BOOT-A")
	}
	c.want(map[string]string{
		"nerves_fw_devpath": "/dev/mmcblk0", "a.nerves_fw_validated": "1", "a.nerves_fw_platform": "rpi4",
		"a.nerves_fw_architecture": "arm", "a.nerves_fw_version": "1.2.3", "a.nerves_fw_product": "demo",
		"a.nerves_fw_author": "tests", "a.nerves_fw_uuid": res.UUID,
		"a.nerves_fw_application_part0_devpath": "/dev/mmcblk0p7", "a.nerves_fw_application_part0_fstype": "f2fs",
		"a.nerves_fw_application_part0_target": "/root", "nerves_serial_number": "",
	})

	// upgrade, running A
	fw := fwtest.ReadFile(t, spec.Output)
	info, param, err := c.apply(bytes.NewReader(fw), "upgrade", rootfsAOff)
	if err != nil {
		t.Fatal(err)
	}
	if info != "Upgrading partition B" || param != "0 tryboot" {
		t.Errorf("upgrade: info %q, reboot param %q", info, param)
	}
	if got := c.file(bootBOff, "cmdline.txt"); !strings.Contains(got, "root=/dev/mmcblk0p6 ") {
		t.Errorf("BOOT-B cmdline.txt = %q", got)
	}
	if got := c.file(autobootOff, "autoboot.txt"); got != autobootA {
		t.Errorf("upgrade changed autoboot.txt to %q; only validate may", got)
	}
	c.want(map[string]string{"b.nerves_fw_validated": "0", "b.nerves_fw_platform": "rpi4", "b.nerves_fw_version": "1.2.3",
		"b.nerves_fw_uuid": res.UUID, "a.nerves_fw_validated": "1"})
	slotA, slotB := make([]byte, res.RootfsSize), make([]byte, res.RootfsSize)
	c.f.ReadAt(slotA, rootfsAOff*512)
	c.f.ReadAt(slotB, rootfsBOff*512)
	if !bytes.Equal(slotA, slotB) {
		t.Error("ROOTFS-B differs from ROOTFS-A after upgrading with the same firmware")
	}

	// The ops.fw in the new slot's rootfs.
	ops := opsFromSlot(t, slotB)
	if info, _, err := c.apply(bytes.NewReader(ops), "status", rootfsBOff); err != nil || info != "b->a" {
		t.Errorf("status on trial: %q, %v", info, err)
	}
	if _, _, err := c.apply(bytes.NewReader(ops), "validate", rootfsBOff); err != nil {
		t.Fatal(err)
	}
	if got := c.file(autobootOff, "autoboot.txt"); got != autobootB {
		t.Errorf("after validate, autoboot.txt = %q", got)
	}
	c.want(map[string]string{"b.nerves_fw_validated": "1"})
	if info, _, err := c.apply(bytes.NewReader(ops), "status", rootfsBOff); err != nil || info != "b" {
		t.Errorf("status after validate: %q, %v", info, err)
	}

	// Running B, validated: the next upgrade writes A.
	info, _, err = c.apply(bytes.NewReader(fw), "upgrade", rootfsBOff)
	if err != nil || info != "Upgrading partition A" {
		t.Errorf("second upgrade: %q, %v", info, err)
	}
	// revert (running A on trial) goes back to B, which is validated.
	if info, _, err := c.apply(bytes.NewReader(ops), "revert", rootfsAOff); err != nil || info != "Reverting to partition B" {
		t.Errorf("revert: %q, %v", info, err)
	}
	if got := c.file(autobootOff, "autoboot.txt"); got != autobootB {
		t.Errorf("after revert, autoboot.txt = %q", got)
	}
	// Running neither slot (a card in a reader): upgrade refuses.
	if _, _, err := c.apply(bytes.NewReader(fw), "upgrade", 0); err == nil || !strings.Contains(err.Error(), "either the A or B partitions") {
		t.Errorf("upgrade with no running slot: %v", err)
	}
}

// opsFromSlot reads /usr/share/fwup/ops.fw from a SquashFS image.
func opsFromSlot(t *testing.T, img []byte) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rootfs.img")
	os.WriteFile(p, img, 0o644)
	tree, err := squashfs.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	e := tree.Lookup(builder.OpsPath)
	if e == nil || e.Open == nil {
		t.Fatalf("no %s in the rootfs", builder.OpsPath)
	}
	if l := tree.Lookup(builder.RevertPath); l == nil || l.Link != "ops.fw" {
		t.Errorf("%s is not a link to ops.fw", builder.RevertPath)
	}
	r, _ := e.Open()
	defer r.Close()
	data, _ := io.ReadAll(r)
	return data
}

// TestOpsAndProvision: provision rewrites the serial number from the
// apply-time environment; factory-reset blanks APP; prevent-revert makes
// the running slot permanent and forgets the other; firmware for another
// board is refused by upgrade and provision.
func TestOpsAndProvision(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	res, err := builder.Build(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	fw := fwtest.ReadFile(t, spec.Output)
	c := openCard(t, spec.Image)
	if err := apply.Run(bytes.NewReader(fw), c.f, apply.Options{Task: "provision", Env: map[string]string{"NERVES_SERIAL_NUMBER": "77"}}); err != nil {
		t.Fatal(err)
	}
	c.want(map[string]string{"nerves_serial_number": "77", "a.nerves_fw_validated": "1"})

	slot := make([]byte, res.RootfsSize)
	c.f.ReadAt(slot, rootfsAOff*512)
	ops := opsFromSlot(t, slot)
	const appOff = 655412
	c.f.WriteAt(bytes.Repeat([]byte{0x42}, 4096), appOff*512)
	if _, _, err := c.apply(bytes.NewReader(ops), "factory-reset", rootfsAOff); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 4096)
	c.f.ReadAt(head, appOff*512)
	if !bytes.Equal(head, bytes.Repeat([]byte{0xff}, 4096)) {
		t.Error("factory-reset left APP's first blocks as they were")
	}

	if _, _, err := c.apply(bytes.NewReader(fw), "upgrade", rootfsAOff); err != nil {
		t.Fatal(err)
	}
	if info, _, err := c.apply(bytes.NewReader(ops), "prevent-revert", rootfsBOff); err != nil || info != "Preventing reverts to partition A" {
		t.Fatalf("prevent-revert: %q, %v", info, err)
	}
	if got := c.file(autobootOff, "autoboot.txt"); got != autobootB {
		t.Errorf("after prevent-revert, autoboot.txt = %q", got)
	}
	c.want(map[string]string{"b.nerves_fw_validated": "1", "a.nerves_fw_validated": "0", "a.nerves_fw_platform": ""})
	if _, _, err := c.apply(bytes.NewReader(ops), "revert", rootfsBOff); err == nil || !strings.Contains(err.Error(), "no validated firmware") {
		t.Errorf("revert after prevent-revert: %v", err)
	}

	other := buildertest.Spec(t, buildertest.System(t, "rpi3"), 1<<20)
	other.Image = ""
	if _, err := builder.Build(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	rpi3 := fwtest.ReadFile(t, other.Output)
	for _, task := range []string{"upgrade", "provision"} {
		if _, _, err := c.apply(bytes.NewReader(rpi3), task, rootfsBOff); err == nil || !strings.Contains(err.Error(), "Expecting platform=rpi3 and architecture=arm") {
			t.Errorf("rpi3 firmware, task %s, on an rpi4 card: %v", task, err)
		}
	}
}

// TestMigrateFromOldLayout: upgrade on a card still on the MBR-swap layout
// (old slot A running) moves it to the tryboot layout in slot B, validated,
// and commits with the new partition table.
func TestMigrateFromOldLayout(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	spec.Image = ""
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile("testdata/old-layout-rpi4.conf")
	if err != nil {
		t.Fatal(err)
	}
	var oldFw bytes.Buffer
	if _, err := fwup.Create(&oldFw, old, fwup.CreateOptions{Env: map[string]string{}, Name: "old-layout-rpi4.conf"}); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "old.img")
	f, _ := os.Create(img)
	if err := apply.Run(&oldFw, f, apply.Options{Task: "complete"}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	c := openCard(t, img)
	fw := fwtest.ReadFile(t, spec.Output)
	info, param, err := c.apply(bytes.NewReader(fw), "upgrade", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info, "writing partition B") || param != "" {
		t.Errorf("migration: info %q, reboot param %q", info, param)
	}
	var block [512]byte
	c.f.ReadAt(block[:], 0)
	table, err := mbr.Decode(block)
	if err != nil {
		t.Fatal(err)
	}
	if table.Partitions[0].BlockOffset != autobootOff || table.Partitions[1].BlockOffset != bootAOff {
		t.Errorf("partition table after migration: %+v", table.Partitions[:2])
	}
	if got := c.file(autobootOff, "autoboot.txt"); got != autobootB {
		t.Errorf("autoboot.txt = %q", got)
	}
	if got := c.file(bootBOff, "cmdline.txt"); !strings.Contains(got, "root=/dev/mmcblk0p6 ") {
		t.Errorf("BOOT-B cmdline.txt = %q", got)
	}
	c.want(map[string]string{"b.nerves_fw_validated": "1", "a.nerves_fw_validated": "0", "b.nerves_fw_platform": "rpi4",
		"nerves_fw_active": "", "nerves_fw_validated": "", "nerves_serial_number": "kept"})
	// From here on the card upgrades as any other: B runs, A is written.
	if info, _, err := c.apply(bytes.NewReader(fw), "upgrade", rootfsBOff); err != nil || info != "Upgrading partition A" {
		t.Errorf("next upgrade: %q, %v", info, err)
	}
}
