package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fatslack"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// refPath is a fixture's absolute path (tests here run in several dirs).
func refPath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(refDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// completeImage writes the reference complete.img (fwup's own) to dir.
func completeImage(t *testing.T, dir string) string {
	t.Helper()
	img := filepath.Join(dir, "complete.img")
	if err := os.WriteFile(img, fwtest.ReadZstd(t, refPath(t, "complete.img.zst")), 0o644); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestApplyUpgradeAndErrors reproduces upgrade-and-errors.txt: the
// upgrade run with numeric progress, and each failure's text and status.
func TestApplyUpgradeAndErrors(t *testing.T) {
	dir := t.TempDir()
	signed, pub := refPath(t, "ref-signed.fw"), refPath(t, "fwup-key.pub")

	img := completeImage(t, dir)
	param := filepath.Join(dir, "reboot-param.txt")
	out, _, code := runCLI(t, map[string]string{}, "fwup", "-a", "-d", img, "-i", signed, "-t", "upgrade",
		"--reboot-param-path", param, "-p", pub, "-n")
	var want strings.Builder
	want.WriteString("0\nfwup: Upgrading partition B\n")
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&want, "%d\n", i)
	}
	if out != want.String() || code != 0 {
		t.Errorf("upgrade -n: exit %d, stdout %q", code, out)
	}
	if b, _ := os.ReadFile(param); string(b) != "0 tryboot" {
		t.Errorf("reboot param file = %q", b)
	}
	b, _ := os.ReadFile(img)
	if got := fatslack.MaskedSHA256(b); got != "0f52cb2d5b5469e8810d9411f045cc6280e22ef547dffad2c037092bd3368f74" {
		t.Errorf("upgraded-b.img masked sha256 = %s", got)
	}

	blank := filepath.Join(dir, "blank.img")
	img = completeImage(t, t.TempDir())
	other := filepath.Join(dir, "other.pub")
	os.WriteFile(other, []byte("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="), 0o644)
	cases := []struct {
		name string
		args []string
		out  string
	}{
		{"requirements not met", []string{"-a", "-d", img, "-i", signed, "-t", "upgrade.a", "-q"},
			"fwup: Couldn't find applicable task 'upgrade.a'. If task is available, the task's requirements may not be met.\n"},
		{"upgrade to a blank file", []string{"-a", "-d", blank, "-i", signed, "-t", "upgrade", "-q"},
			"fwup: Expecting platform=rpi0\n"},
		{"wrong public key", []string{"-a", "-d", filepath.Join(dir, "k.img"), "-i", signed, "-t", "complete", "-q", "-p", other},
			"fwup: Firmware archive's meta.conf fails digital signature verification.\n"},
		{"bad task", []string{"-a", "-d", filepath.Join(dir, "t.img"), "-i", signed, "-t", "nosuchtask", "-q"},
			"fwup: Couldn't find applicable task 'nosuchtask'. If task is available, the task's requirements may not be met.\n"},
	}
	for _, tc := range cases {
		out, _, code := runCLI(t, map[string]string{}, append([]string{"fwup"}, tc.args...)...)
		if out != tc.out || code != 1 {
			t.Errorf("%s: exit %d, stdout %q; want exit 1, %q", tc.name, code, out, tc.out)
		}
	}
}

// TestApplyFramedProgress: with -F, progress comes as PR packets whose
// code is the percentage, as the fixture's hexdump shows, and success as
// an empty OK packet.
func TestApplyFramedProgress(t *testing.T) {
	img := filepath.Join(t.TempDir(), "f.img")
	out, _, code := runCLI(t, map[string]string{}, "fwup", "-a", "-F", "-d", img, "-i", refPath(t, "ref-signed.fw"), "-t", "complete")
	if code != 0 {
		t.Fatalf("exit %d: %q", code, out)
	}
	b := []byte(out)
	var percents []int
	for len(b) >= 8 {
		n := int(binary.BigEndian.Uint32(b))
		kind, pct := string(b[4:6]), int(binary.BigEndian.Uint16(b[6:]))
		if kind == "PR" {
			percents = append(percents, pct)
		} else if kind != "OK" || n != 4 || len(b) != 8 {
			t.Fatalf("unexpected packet %q", b[:min(len(b), 16)])
		}
		b = b[4+n:]
	}
	for i, p := range percents {
		if p != i {
			t.Fatalf("progress packets %v, want 0..100 in steps of 1", percents)
		}
	}
	if len(percents) != 101 {
		t.Errorf("%d progress packets", len(percents))
	}
	if want := "\x00\x00\x00\x04PR\x00\x00\x00\x00\x00\x04PR\x00\x01"; !strings.HasPrefix(out, want) {
		t.Errorf("framed output starts %q", out[:16])
	}
}
