package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
)

// extBaseTree writes a small base tree and a release into dir and
// returns the base's path.
func extBaseTree(t *testing.T, dir string) (tree, rel string) {
	tree = filepath.Join(dir, "tree")
	writeFiles(t, tree, map[string]string{
		"etc/erlinit.config": "-c ttyS0\n--hang-on-exit\n",
		"sbin/init":          "init",
		"usr/share/motd":     "hi\n",
	})
	os.Chmod(filepath.Join(tree, "sbin/init"), 0o755)
	rel = filepath.Join(dir, "rel")
	boot := fwtest.ReadFile(t, "../../erlang/testdata/boot/demo.boot")
	writeFiles(t, rel, map[string]string{
		"releases/start_erl.data":       "13.1 0.1.0\n",
		"releases/0.1.0/demo.boot":      string(boot),
		"lib/demo-0.1.0/ebin/demo.beam": "beam",
		"erts-13.1/bin/erlexec":         "erlexec",
	})
	return tree, rel
}

// mkext4 makes an ext4 image of dir as Buildroot does (mkfs.ext4 -d,
// e2fsprogs' defaults but 64bit), with extra mke2fs options.
func mkext4(t *testing.T, dir, img string, extra ...string) {
	t.Helper()
	args := append([]string{"-q", "-F", "-t", "ext4", "-O", "^64bit"}, extra...)
	args = append(args, "-d", dir, img, "8M")
	if out, err := exec.Command(oracle.Tool(t, "mke2fs"), args...).CombinedOutput(); err != nil {
		t.Fatalf("mke2fs %v: %v\n%s", args, err, out)
	}
}

// TestRootfsFromExt4: `rootfs --base-rootfs rootfs.ext4` makes the same
// SquashFS image, byte for byte, as the same tree given as a tar.
func TestRootfsFromExt4(t *testing.T) {
	dir := t.TempDir()
	tree, rel := extBaseTree(t, dir)
	ext := filepath.Join(dir, "rootfs.ext4")
	mkext4(t, tree, ext)
	tarball := filepath.Join(dir, "rootfs.tar")
	if out, err := exec.Command(oracle.Tool(t, "tar"), "--numeric-owner", "-C", tree, "-cf", tarball, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	var imgs [][]byte
	for _, base := range []string{ext, tarball} {
		out := filepath.Join(dir, filepath.Base(base)+".img")
		stdout, stderr, code := runCLI(t, env, "rootfs", "--base-rootfs", base, "--release", rel, "-o", out)
		if code != 0 {
			t.Fatalf("rootfs --base-rootfs %s: exit %d\n%s%s", base, code, stdout, stderr)
		}
		imgs = append(imgs, fwtest.ReadFile(t, out))
	}
	if !bytes.Equal(imgs[0], imgs[1]) {
		t.Errorf("from rootfs.ext4: %d bytes; from rootfs.tar: %d bytes; not the same image", len(imgs[0]), len(imgs[1]))
	}
}

// TestRootfsBadExtBases: each bad base exits 1 with a message naming the
// file and what is wrong with it, and leaves no image.
func TestRootfsBadExtBases(t *testing.T) {
	dir := t.TempDir()
	tree, rel := extBaseTree(t, dir)
	good := filepath.Join(dir, "good.ext4")
	mkext4(t, tree, good)
	data := fwtest.ReadFile(t, good)
	truncated := filepath.Join(dir, "truncated.ext4")
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	recovery := debugfsCopy(t, good, filepath.Join(dir, "recovery.ext4"), "feature needs_recovery")
	unknown := debugfsCopy(t, good, filepath.Join(dir, "unknown.ext4"), "feature FEATURE_I31")
	images := filepath.Join(dir, "images")
	writeFiles(t, images, map[string]string{"Image": "kernel", "rpi-firmware/start4.elf": "elf"})
	os.Link(good, filepath.Join(images, "rootfs.ext4"))
	for _, c := range []struct{ base, want string }{
		{truncated, "truncated.ext4: superblock: the filesystem has"},
		{recovery, "recovery.ext4: the journal needs recovery"},
		{unknown, "unknown.ext4: uses incompatible features this reader does not support"},
		{images, images + ": a Buildroot images/ folder, where a root filesystem was expected: pass the root filesystem in it, " + filepath.Join(images, "rootfs.ext4")},
	} {
		no := filepath.Join(dir, "no.img")
		_, stderr, code := runCLI(t, nil, "rootfs", "--base-rootfs", c.base, "--release", rel, "-o", no)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit 1 and %q", filepath.Base(c.base), code, stderr, c.want)
		}
		if _, err := os.Stat(no); err == nil {
			t.Errorf("%s left an image", filepath.Base(c.base))
		}
	}
}

// debugfsCopy copies img to out and runs a debugfs -w request on the
// copy (which keeps the superblock's checksum right).
func debugfsCopy(t *testing.T, img, out, request string) string {
	t.Helper()
	if err := os.WriteFile(out, fwtest.ReadFile(t, img), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(oracle.Tool(t, "debugfs"), "-w", "-R", request, out).CombinedOutput(); err != nil {
		t.Fatalf("debugfs -R %q: %v\n%s", request, err, b)
	}
	return out
}
