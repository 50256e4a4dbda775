package buildertest

import (
	"archive/tar"
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/systems"
)

// Inputs makes a Buildroot-like images/ folder with every file sys
// needs (random bytes, so they do not compress away; the kernel is
// kernelSize bytes) and a small release. It returns their paths.
func Inputs(t testing.TB, sys *systems.System, kernelSize int) (images, release string) {
	t.Helper()
	dir := t.TempDir()
	images = filepath.Join(dir, "images")
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	files := map[string][]byte{sys.Kernel[0]: random(kernelSize)}
	for _, f := range BootFiles(sys) {
		files[f] = random(30000)
	}
	for p, c := range files {
		writeFile(t, filepath.Join(images, p), c)
	}
	WriteBase(t, images, true)

	release = filepath.Join(dir, "release")
	boot, err := os.ReadFile(filepath.Join(fwtest.RepoRoot(t), "erlang/testdata/boot/demo.boot"))
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range map[string]string{
		"releases/start_erl.data":       "13.1 0.1.0\n",
		"releases/0.1.0/demo.boot":      string(boot),
		"releases/0.1.0/sys.config":     "[].\n",
		"releases/0.1.0/vm.args":        "-heart\n",
		"lib/demo-0.1.0/ebin/demo.beam": "beam",
		"erts-13.1/bin/erlexec":         "erlexec",
	} {
		writeFile(t, filepath.Join(release, p), []byte(c))
	}
	return images, release
}

// BootFiles are the paths below images/ of the files a Nerves-style base
// has for sys: its base files, its first firmware variant's files in
// rpi-firmware/, its main device tree and the optional files that are not
// patterns.
func BootFiles(sys *systems.System) []string {
	files := append([]string(nil), sys.BaseFiles...)
	if len(sys.Firmware) > 0 {
		for _, name := range sys.Firmware[0].Files {
			files = append(files, "rpi-firmware/"+name)
		}
	}
	if len(sys.DeviceTree) > 0 {
		files = append(files, sys.DeviceTree[0])
	}
	for _, name := range sys.OptionalBoot {
		if !strings.ContainsAny(name, "*?[") {
			files = append(files, name)
		}
	}
	sort.Strings(files)
	return files
}

func writeFile(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteBase writes images/rootfs.tar: a tiny Buildroot-style base whose
// init is erlinit (a Nerves base), or busybox's.
func WriteBase(t testing.TB, images string, erlinit bool) {
	writeFile(t, filepath.Join(images, "rootfs.tar"), baseTar(t, erlinit))
}

func baseTar(t testing.TB, erlinit bool) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	for _, d := range []string{"./", "./bin/", "./etc/", "./sbin/", "./usr/", "./usr/share/"} {
		add(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755}, "")
	}
	if erlinit {
		// As Buildroot's erlinit package installs it.
		add(&tar.Header{Name: "./sbin/init", Typeflag: tar.TypeReg, Mode: 0o755}, "\x7fELF... erlinit: usage ...")
	} else {
		add(&tar.Header{Name: "./bin/busybox", Typeflag: tar.TypeReg, Mode: 0o755}, "busybox")
		add(&tar.Header{Name: "./sbin/init", Typeflag: tar.TypeSymlink, Linkname: "../bin/busybox"}, "")
	}
	add(&tar.Header{Name: "./etc/fw_env.config", Typeflag: tar.TypeReg, Mode: 0o644}, "/dev/mmcblk0 0x2000 0x2000 0x200 16\n")
	tw.Close()
	return buf.Bytes()
}

// Spec is a build of sys from test inputs, with outputs in a temporary
// directory and SOURCE_DATE_EPOCH set.
func Spec(t testing.TB, sys *systems.System, kernelSize int) builder.Spec {
	images, release := Inputs(t, sys, kernelSize)
	out := t.TempDir()
	epoch := time.Unix(1700000000, 0).UTC()
	return builder.Spec{System: sys, Images: images, Release: release, Meta: builder.Meta{Product: "demo", Author: "tests"},
		Output: filepath.Join(out, "demo.fw"), Image: filepath.Join(out, "demo.img"), Time: epoch, ModTime: &epoch, TempDir: out}
}

// System looks up a system or fails the test.
func System(t testing.TB, name string) *systems.System {
	t.Helper()
	s, err := systems.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
