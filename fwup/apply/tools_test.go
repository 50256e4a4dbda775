package apply

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/internal/reffwup"
)

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// imageTools is what the tools a user would run say of a complete image:
// its partition table, U-Boot environment, boot partition listing and
// fsck.fat's check of it.
type imageTools struct {
	Sfdisk, Env, Mdir, Fsck string
}

func describeImage(t *testing.T, img string) imageTools {
	t.Helper()
	dir := t.TempDir()
	var d imageTools
	d.Sfdisk = strings.ReplaceAll(run(t, oracle.Tool(t, "sfdisk"), "-d", img), img, "complete.img")
	cfg := filepath.Join(dir, "fw_env.config")
	os.WriteFile(cfg, []byte(fmt.Sprintf("%s 0x2000 0x2000\n", img)), 0o644)
	d.Env = run(t, oracle.Tool(t, "fw_printenv"), "-c", cfg)
	d.Mdir = run(t, oracle.Tool(t, "mdir"), "-a", "-i", img+"@@32256", "::")
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	boot := filepath.Join(dir, "bootA.img")
	os.WriteFile(boot, b[63*512:(63+38630)*512], 0o644)
	out, _ := exec.Command(oracle.Tool(t, "fsck.fat"), "-n", "-v", boot).CombinedOutput()
	d.Fsck = strings.ReplaceAll(string(out), boot, "bootA.img")
	return d
}

// TestCompleteImageTools reads the image the complete task makes with the
// tools a user would: sfdisk, fw_printenv, mtools and fsck.fat, and
// compares everything they say with what they said of fwup's image
// (recorded), then reads every boot file back with mtype.
func TestCompleteImageTools(t *testing.T) {
	signed := fwtest.Ref(t, "ref-signed.fw")
	img := filepath.Join(t.TempDir(), "complete.img")
	if _, err := applyFile(t, signed, img, "complete", Options{PublicKeys: []ed25519.PublicKey{refKey(t)}}); err != nil {
		t.Fatal(err)
	}
	want := reffwup.Verdict(t, fwtest.Recording(t, "apply"), "tools on complete.img", func(fwup string) imageTools {
		dir := t.TempDir()
		if r := reffwup.Run(t, fwup, dir, "-a", "-q", "-d", "complete.img", "-i", signed, "-t", "complete"); r.Exit != 0 {
			t.Fatalf("fwup: %+v", r)
		}
		return describeImage(t, filepath.Join(dir, "complete.img"))
	})
	got := describeImage(t, img)
	for _, c := range []struct{ what, got, want string }{
		{"sfdisk -d", got.Sfdisk, want.Sfdisk},
		{"fw_printenv", got.Env, want.Env},
		{"mdir -a BOOT-A", got.Mdir, want.Mdir},
		// fsck.fat says of ours exactly what it said of fwup's: only that
		// the label fat_setlabel wrote is not in the boot sector.
		{"fsck.fat -n -v BOOT-A", got.Fsck, want.Fsck},
	} {
		if c.got != c.want {
			t.Errorf("%s of ours:\n%s\nof fwup's:\n%s", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(want.Env, "a.nerves_fw_uuid=") || !strings.Contains(want.Mdir, "ZIMAGE") && !strings.Contains(want.Mdir, "zImage") {
		t.Errorf("the recorded verdict is not of the reference image:\n%s%s", want.Env, want.Mdir)
	}
	mtype := oracle.Tool(t, "mtype")
	for name, input := range map[string]string{"zImage": "zImage", "bcm2708-rpi-zero-w.dtb": "bcm2708-rpi-zero-w.dtb",
		"bootcode.bin": "bootcode.bin", "start.elf": "start.elf", "overlays/dwc2.dtbo": "dwc2.dtbo"} {
		data, err := os.ReadFile(fwtest.Ref(t, "inputs", input))
		if err != nil {
			t.Fatal(err)
		}
		if got := run(t, mtype, "-i", img+"@@32256", "::"+name); got != string(data) {
			t.Errorf("mtype %s: %d bytes, want the %d of inputs/%s", name, len(got), len(data), input)
		}
	}
}
