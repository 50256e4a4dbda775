package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const refDir = "../../../shared/fixtures/fwup-ref"

// TestFixtureCLIOutputs reproduces every command in the fixtures'
// cli-outputs.txt (what fwup 1.16.0 printed) on the reference archives.
func TestFixtureCLIOutputs(t *testing.T) {
	t.Chdir(refDir)
	signed, unsigned := "ref-signed.fw", "ref-unsigned.fw"
	cases := []struct {
		args []string
		out  string
		code int
	}{
		{[]string{"-m", "-i", signed}, `meta-product="Ref Product"
meta-description="Reference image for conformance tests"
meta-version=0.1.0
meta-author="The Ref Team"
meta-platform=rpi0
meta-architecture=arm
meta-creation-date="2023-11-14T22:13:20Z"
meta-uuid="3af3d0c3-bef6-50e7-55df-7490051887dd"
meta-nickname="credit-unfold"
`, 0},
		{[]string{"-m", "-i", signed, "--metadata-key", "meta-uuid"}, "3af3d0c3-bef6-50e7-55df-7490051887dd\n", 0},
		{[]string{"-m", "-i", unsigned, "--metadata-key", "meta-uuid"}, "3af3d0c3-bef6-50e7-55df-7490051887dd\n", 0},
		{[]string{"-l", "-i", signed}, "complete\nupgrade.a\nupgrade.b\nupgrade.wrongplatform\n", 0},
		{[]string{"-V", "-i", signed}, "Valid archive with an unverified signature. Specify a public key to authenticate.\n", 0},
		{[]string{"-V", "-p", "fwup-key.pub", "-i", signed}, "Valid archive with a good signature\n", 0},
		{[]string{"-V", "--public-key-file", "fwup-key.pub", "-i", signed}, "Valid archive with a good signature\n", 0},
		{[]string{"-V", "-p", "fwup-key.pub", "-i", unsigned}, "fwup: Expecting signed firmware archive.\n", 1},
		{[]string{"-V", "-i", unsigned}, "Valid archive without a signature\n", 0},
		{[]string{"-V", "-i", "misc/misc.fw"}, "Valid archive without a signature\n", 0},
		{[]string{"--version"}, "1.16.0\n", 0},
		{[]string{"-V"}, "fwup: Specify an input firmware file\n", 1},
		{[]string{"-m", "-i", "nonexistent.fw"}, "fwup: Failed to open 'nonexistent.fw'\n", 1},
		{[]string{"-m", "-i", "README.md"}, "fwup: Unrecognized archive format\n", 1},
		{[]string{"-t", "x"}, "fwup: specify one of -a, -c, -l, -m, -S, -V, or -z\n", 1},
		{[]string{"-n", "-q", "-V"}, "fwup: pick either -n or -q, but not both\n", 1},
	}
	for _, tc := range cases {
		out, _, code := runCLI(t, map[string]string{}, append([]string{"fwup"}, tc.args...)...)
		if out != tc.out || code != tc.code {
			t.Errorf("fwup %s:\n got %q (exit %d)\nwant %q (exit %d)", strings.Join(tc.args, " "), out, code, tc.out, tc.code)
		}
	}
	// The framed -V reply starts as the fixture's hexdump shows.
	out, _, _ := runCLI(t, map[string]string{}, "fwup", "-V", "-F", "-i", signed)
	if want := "\x00\x00\x00\x56OK\x00\x00Valid archive with an unverified"; !strings.HasPrefix(out, want) {
		t.Errorf("framed -V = %q", out)
	}
	// No arguments: usage on stdout, exit 1.
	out, _, code := runCLI(t, map[string]string{}, "fwup")
	if code != 1 || !strings.HasPrefix(out, "fwup is a self-contained utility") {
		t.Errorf("no arguments: exit %d, %q", code, out[:min(len(out), 60)])
	}
}

// TestCreateMatchesFixture creates the reference archive, signed and not,
// and checks what fwup's tools would see: identical meta.conf, entry order
// and methods as unzip-lv-*.txt, a good signature, and byte-for-byte
// reproducibility; re-signing reproduces the signed archive.
func TestCreateMatchesFixture(t *testing.T) {
	ref, _ := filepath.Abs(refDir)
	out := t.TempDir()
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	t.Chdir(ref)
	for _, args := range [][]string{
		{"fwup", "-c", "-f", "fwup.conf", "-o", out + "/u.fw"},
		{"fwup", "-c", "-f", "fwup.conf", "-s", "fwup-key.priv", "-o", out + "/s.fw"},
		{"fwup", "-c", "-f", "fwup.conf", "--private-key", mustRead(t, "fwup-key.priv"), "-o", out + "/s2.fw"},
		{"fwup", "-S", "-s", "fwup-key.priv", "-i", out + "/u.fw", "-o", out + "/r.fw"},
	} {
		if stdout, stderr, code := runCLI(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, stdout, stderr)
		}
	}
	if a, b := mustRead(t, out+"/s.fw"), mustRead(t, out+"/s2.fw"); a != b {
		t.Error("signing with a key file and with --private-key differ")
	}
	if a, b := mustRead(t, out+"/s.fw"), mustRead(t, out+"/r.fw"); a != b {
		t.Error("-S of the unsigned archive differs from signing at create")
	}
	for _, tc := range []struct{ fw, verify string }{
		{out + "/s.fw", "Valid archive with a good signature\n"},
		{out + "/u.fw", "fwup: Expecting signed firmware archive.\n"},
	} {
		got, _, _ := runCLI(t, env, "fwup", "-V", "-p", "fwup-key.pub", "-i", tc.fw)
		if got != tc.verify {
			t.Errorf("-V %s = %q, want %q", tc.fw, got, tc.verify)
		}
		got, _, _ = runCLI(t, env, "fwup", "-m", "-i", tc.fw, "--metadata-key", "meta-uuid")
		if got != "3af3d0c3-bef6-50e7-55df-7490051887dd\n" {
			t.Errorf("uuid of %s = %q", tc.fw, got)
		}
	}
	checkZipListing(t, out+"/s.fw", "unzip-lv-signed.txt")
	checkZipListing(t, out+"/u.fw", "unzip-lv-unsigned.txt")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
