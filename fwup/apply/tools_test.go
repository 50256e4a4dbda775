package apply

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestCompleteImageTools reads the image the complete task makes with the
// tools a user would: sfdisk, fw_printenv, mtools and fsck.fat, and
// compares with what they said of fwup's image (the fixture dumps).
func TestCompleteImageTools(t *testing.T) {
	sfdisk := oracle.Tool(t, "sfdisk")
	printenv := oracle.Tool(t, "fw_printenv")
	mtype := oracle.Tool(t, "mtype")
	mdir := oracle.Tool(t, "mdir")
	fsck := oracle.Tool(t, "fsck.fat")

	dir := t.TempDir()
	img := filepath.Join(dir, "complete.img")
	if _, err := applyFile(t, refDir+"/ref-signed.fw", img, "complete", Options{PublicKeys: []ed25519.PublicKey{refKey(t)}}); err != nil {
		t.Fatal(err)
	}

	// The partition table, as sfdisk dumps it.
	want, _ := os.ReadFile(refDir + "/sfdisk-complete.txt")
	got := strings.ReplaceAll(run(t, sfdisk, "-d", img), img, "complete.img")
	if got != string(want) {
		t.Errorf("sfdisk -d:\n%s\nwant:\n%s", got, want)
	}

	// The U-Boot environment at block 16 (the fixture config's).
	cfg := filepath.Join(dir, "fw_env.config")
	os.WriteFile(cfg, []byte(fmt.Sprintf("%s 0x2000 0x2000\n", img)), 0o644)
	env := run(t, printenv, "-c", cfg)
	wantEnv, _ := os.ReadFile(refDir + "/uboot-env-complete.txt")
	for _, line := range strings.Split(string(wantEnv), "\n") {
		if strings.Contains(line, "=") && !strings.Contains(line, " ") && !strings.Contains(env, line+"\n") {
			t.Errorf("fw_printenv lacks %q:\n%s", line, env)
		}
	}

	// BOOT-A at block 63: the listing fwup's image gave, every file
	// byte-exact, and fsck.fat finding nothing to fix.
	part := img + "@@32256"
	listing := run(t, mdir, "-a", "-i", part, "::")
	fixture, _ := os.ReadFile(refDir + "/fat-complete.txt")
	if !strings.Contains(string(fixture), listing[strings.Index(listing, "Directory for"):]) {
		t.Errorf("mdir -a BOOT-A:\n%s", listing)
	}
	for name, input := range map[string]string{"zImage": "zImage", "bcm2708-rpi-zero-w.dtb": "bcm2708-rpi-zero-w.dtb",
		"bootcode.bin": "bootcode.bin", "start.elf": "start.elf", "overlays/dwc2.dtbo": "dwc2.dtbo"} {
		data, _ := os.ReadFile(refDir + "/inputs/" + input)
		if got := run(t, mtype, "-i", part, "::"+name); got != string(data) {
			t.Errorf("mtype %s: %d bytes, want the %d of inputs/%s", name, len(got), len(data), input)
		}
	}
	b, _ := os.ReadFile(img)
	boot := filepath.Join(dir, "boot-a.fat")
	os.WriteFile(boot, b[63*512:(63+38630)*512], 0o644)
	// fsck.fat says of ours exactly what it said of fwup's: only that the
	// label fat_setlabel wrote is not in the boot sector (fwup's habit).
	out, _ := exec.Command(fsck, "-n", "-v", boot).CombinedOutput()
	got = strings.ReplaceAll(string(out), boot, "/tmp/bootA.img")
	wantFsck := string(fixture[strings.Index(string(fixture), "== fsck.fat -n\n")+len("== fsck.fat -n\n"):])
	if got != wantFsck {
		t.Errorf("fsck.fat -n -v BOOT-A:\n%s\nwant:\n%s", got, wantFsck)
	}
}
