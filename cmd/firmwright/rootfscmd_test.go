package main

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// writeFiles creates files (path → contents) below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRootfsCommand: a tar base, a release and an overlay become one
// SquashFS image: the release under /srv/erlang owned by root, the
// user's erlinit options merged into the base's, the base's owners kept,
// and an overlay under /data refused.
func TestRootfsCommand(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "rootfs.tar")
	f, _ := os.Create(base)
	tw := tar.NewWriter(f)
	for _, h := range []*tar.Header{
		{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./etc/erlinit.config", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len("-c ttyS0\n--hang-on-exit\n"))},
		{Name: "./sbin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./sbin/init", Typeflag: tar.TypeReg, Mode: 0o755, Size: 4},
		{Name: "./usr/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./usr/share/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./usr/share/motd", Typeflag: tar.TypeReg, Mode: 0o600, Uid: 1000, Gid: 1000, Size: 3},
	} {
		tw.WriteHeader(h)
		switch h.Name {
		case "./etc/erlinit.config":
			tw.Write([]byte("-c ttyS0\n--hang-on-exit\n"))
		case "./sbin/init":
			tw.Write([]byte("init"))
		case "./usr/share/motd":
			tw.Write([]byte("hi\n"))
		}
	}
	tw.Close()
	f.Close()

	rel := filepath.Join(dir, "rel")
	boot, err := os.ReadFile("../../erlang/testdata/boot/demo.boot")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, rel, map[string]string{
		"releases/start_erl.data":       "13.1 0.1.0\n",
		"releases/0.1.0/demo.boot":      string(boot),
		"releases/0.1.0/demo.sh":        "scrubbed",
		"lib/demo-0.1.0/ebin/demo.beam": "beam",
		"lib/demo-0.1.0/src/demo.erl":   "scrubbed",
		"erts-13.1/bin/erlexec":         "erlexec",
	})
	overlay := filepath.Join(dir, "overlay")
	writeFiles(t, overlay, map[string]string{"usr/share/motd": "new\n", "etc/issue": "firmwright\n"})
	user := filepath.Join(dir, "erlinit.config")
	writeFiles(t, dir, map[string]string{"erlinit.config": "-c tty1\n"})

	img := filepath.Join(dir, "rootfs.img")
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	out, errOut, code := runCLI(t, env, "rootfs", "--base-rootfs", base, "--release", rel, "--overlay", overlay,
		"--erlinit", user, "-o", img)
	if code != 0 {
		t.Fatalf("rootfs: exit %d: %s%s", code, out, errOut)
	}
	tree, err := squashfs.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		"srv/erlang/lib/demo-0.1.0/ebin/demo.beam": "beam",
		"usr/share/motd":     "new\n",
		"etc/issue":          "firmwright\n",
		"etc/erlinit.config": "",
	} {
		e := tree.Lookup(p)
		if e == nil {
			t.Errorf("%s missing", p)
			continue
		}
		r, _ := e.Open()
		b := make([]byte, 4096)
		n, _ := r.Read(b)
		r.Close()
		got := string(b[:n])
		if p == "etc/erlinit.config" {
			if !strings.Contains(got, "tty1") || strings.Contains(got, "ttyS0") || !strings.Contains(got, "hang-on-exit") {
				t.Errorf("erlinit.config not merged:\n%s", got)
			}
		} else if got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if e := tree.Lookup("usr/share/motd"); e == nil || e.UID != 1000 || e.Mode != 0o600 {
		t.Errorf("the base's owner and mode of a replaced file are not kept: %+v", e)
	}
	if e := tree.Lookup("srv/erlang/lib/demo-0.1.0/ebin/demo.beam"); e == nil || e.UID != 0 {
		t.Errorf("release files are not root's: %+v", e)
	}
	// Scrubbed as Nerves scrubs: release scripts go, sources stay.
	if tree.Lookup("srv/erlang/releases/0.1.0/demo.sh") != nil {
		t.Error("releases/0.1.0/demo.sh was not scrubbed")
	}
	if tree.Lookup("srv/erlang/lib/demo-0.1.0/src/demo.erl") == nil {
		t.Error("lib/demo-0.1.0/src/demo.erl was removed; Nerves keeps it")
	}
	if !strings.Contains(out, "rootfs.img SquashFS gzip, 24 entries") {
		t.Errorf("no stage line for the image:\n%s", out)
	}

	// Reproducible with SOURCE_DATE_EPOCH.
	img2 := filepath.Join(dir, "rootfs2.img")
	runCLI(t, env, "rootfs", "--base-rootfs", base, "--release", rel, "--overlay", overlay, "--erlinit", user, "-o", img2)
	a := fwtest.ReadFile(t, img)
	b := fwtest.ReadFile(t, img2)
	if string(a) != string(b) {
		t.Error("two builds with the same SOURCE_DATE_EPOCH differ")
	}

	// Touching an input changes nothing under SOURCE_DATE_EPOCH.
	old := time.Unix(1500000000, 0)
	os.Chtimes(filepath.Join(rel, "lib/demo-0.1.0/ebin/demo.beam"), old, old)
	os.Chtimes(filepath.Join(overlay, "etc/issue"), old, old)
	img3 := filepath.Join(dir, "rootfs3.img")
	runCLI(t, env, "rootfs", "--base-rootfs", base, "--release", rel, "--overlay", overlay, "--erlinit", user, "-o", img3)
	if c := fwtest.ReadFile(t, img3); string(a) != string(c) {
		t.Error("older input mtimes changed the image under SOURCE_DATE_EPOCH")
	}

	// Bad inputs: each refused with a message naming it, no image left.
	corrupt := filepath.Join(dir, "corrupt.tar")
	tarBytes := fwtest.ReadFile(t, base)
	os.WriteFile(corrupt, tarBytes[:700], 0o644)
	badSquash := filepath.Join(dir, "bad.squashfs")
	os.WriteFile(badSquash, append([]byte("hsqs"), make([]byte, 200)...), 0o644)
	badCPIO := filepath.Join(dir, "bad.cpio")
	os.WriteFile(badCPIO, []byte("070701zzzz"), 0o644)
	noReleases := filepath.Join(dir, "norel")
	writeFiles(t, noReleases, map[string]string{"lib/x/ebin/x.beam": "beam"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--base-rootfs", corrupt, "--release", rel}, "corrupt.tar"},
		{[]string{"--base-rootfs", badSquash, "--release", rel}, "bad.squashfs"},
		{[]string{"--base-rootfs", badCPIO, "--release", rel}, "bad.cpio"},
		{[]string{"--base-rootfs", base, "--release", noReleases}, "releases/"},
	} {
		no := filepath.Join(dir, "no.img")
		_, errOut, code := runCLI(t, env, append(append([]string{"rootfs"}, tc.args...), "-o", no)...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, code, errOut)
		}
		if _, err := os.Stat(no); err == nil {
			t.Errorf("%v left an image", tc.args)
		}
	}

	// An overlay under /data is refused, and nothing is written.
	bad := filepath.Join(dir, "bad")
	writeFiles(t, bad, map[string]string{"data/x": "x"})
	_, errOut, code = runCLI(t, env, "rootfs", "--base-rootfs", base, "--release", rel, "--overlay", bad, "-o", filepath.Join(dir, "no.img"))
	if code == 0 || !strings.Contains(errOut, "data/x") {
		t.Errorf("overlay under /data: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "no.img")); err == nil {
		t.Error("a refused build left an image")
	}
	// A release for another architecture is refused, naming the file.
	writeFiles(t, rel, map[string]string{"lib/demo-0.1.0/priv/nif.so": "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00\x01\x00\x00\x00" + strings.Repeat("\x00", 40)})
	_, errOut, code = runCLI(t, env, "rootfs", "--base-rootfs", base, "--release", rel, "--arch", "aarch64", "-o", filepath.Join(dir, "no.img"))
	if code == 0 || !strings.Contains(errOut, "nif.so") {
		t.Errorf("x86_64 NIF for aarch64: exit %d, %q", code, errOut)
	}
}
