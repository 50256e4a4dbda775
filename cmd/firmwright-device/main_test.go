package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/cmdline"
)

const conf = `meta-product = "device test"
meta-version = "1.0.0"
file-resource data.bin { host-path = "data.bin" }
mbr mbr-a { partition 0 { block-offset = 64 block-count = 128 type = 0x83 } }
task complete {
	on-init { mbr_write(mbr-a) }
	on-resource data.bin { raw_write(64) }
}
`

// The device binary, built for this host and run as fwup, applies what
// the whole tool creates to the same image bytes, and says plainly that
// it does not create.
func TestDeviceBinaryAppliesAsFwup(t *testing.T) {
	dir := t.TempDir()
	fwup := filepath.Join(dir, "fwup")
	if out, err := exec.Command("go", "build", "-o", fwup, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := bytes.Repeat([]byte("firmwright-device "), 3000)
	os.WriteFile(filepath.Join(dir, "data.bin"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "fwup.conf"), []byte(conf), 0o644)
	fw := filepath.Join(dir, "test.fw")
	whole := func(args ...string) {
		t.Helper()
		var out bytes.Buffer
		sys := &cmdline.System{Prog: "fwup", Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
			Env: map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}, Now: time.Now}
		if code := cmdline.Run(sys, args); code != 0 {
			t.Fatalf("fwup %v: exit %d\n%s", args, code, out.Bytes())
		}
	}
	whole("-c", "-f", filepath.Join(dir, "fwup.conf"), "-o", fw)
	whole("-a", "-q", "-i", fw, "-d", filepath.Join(dir, "want.img"), "-t", "complete")

	device := func(args ...string) (string, error) {
		cmd := exec.Command(fwup, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := device("-a", "-q", "-i", fw, "-d", "got.img", "-t", "complete"); err != nil {
		t.Fatalf("device fwup -a: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "got.img"))
	want, _ := os.ReadFile(filepath.Join(dir, "want.img"))
	if !bytes.Equal(got, want) || len(want) < 64*512+len(data) {
		t.Errorf("the device binary's image (%d bytes) differs from the whole tool's (%d bytes)", len(got), len(want))
	}
	if out, err := device("-V", "-i", fw); err != nil || !strings.Contains(out, "Valid archive") {
		t.Errorf("device fwup -V: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"-c", "-f", "fwup.conf", "-o", "again.fw"}, {"-S", "-i", "test.fw", "-o", "signed.fw"}, {"-g"}} {
		out, err := device(args...)
		if code := exitCode(err); code != 1 || !strings.Contains(out, "device build") {
			t.Errorf("device fwup %s: exit %d, %q; want 1 and a message naming the device build", args[0], code, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "again.fw")); err == nil {
		t.Error("the device binary wrote again.fw")
	}
}

func exitCode(err error) int {
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
