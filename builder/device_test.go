package builder_test

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// staticELF is the smallest ELF file debug/elf opens: a header for a
// static executable of the machine, no program headers.
func staticELF(t *testing.T, m elf.Machine) string {
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(m), Version: 1, Ehsize: 64, Phentsize: 56, Shentsize: 64}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, h)
	p := filepath.Join(t.TempDir(), "firmwright-"+m.String())
	os.WriteFile(p, buf.Bytes(), 0o755)
	return p
}

// TestDeviceFirmwright: on a base without erlinit (a Debian or plain
// Buildroot one), firmwright goes in as /usr/bin/fwup and /sbin/init;
// the build refuses to go on without it, or with one for another machine.
func TestDeviceFirmwright(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	buildertest.WriteBase(t, spec.Images, false)

	dirs := []string{t.TempDir(), t.TempDir()}
	spec.DeviceFirmwrightDirs = dirs
	wantAll(t, buildFails(t, spec), "no erlinit", "--device-firmwright", "FIRMWRIGHT_DEVICE_FIRMWRIGHT",
		filepath.Join(dirs[0], "firmwright-device-linux-arm64")+", "+filepath.Join(dirs[1], "firmwright-device-linux-arm64"),
		"CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -ldflags=-s -o firmwright-device-linux-arm64 ./cmd/firmwright-device")

	spec.DeviceFirmwright = staticELF(t, elf.EM_X86_64)
	wantAll(t, buildFails(t, spec), "EM_X86_64", "GOARCH=arm64")

	spec.DeviceFirmwright = staticELF(t, elf.EM_AARCH64)
	tree := builtRootfs(t, spec)
	if e := tree.Lookup(builder.InitPath); e == nil || e.Link != "../usr/bin/fwup" {
		t.Errorf("/sbin/init is %+v, want a link to ../usr/bin/fwup", e)
	}
	if e := tree.Lookup(builder.DeviceFwupPath); e == nil || e.Mode != 0o755 || e.Size != 64 {
		t.Errorf("/usr/bin/fwup is %+v", e)
	}

	// Found in the second folder, when no file is given.
	spec.DeviceFirmwright = ""
	found := filepath.Join(dirs[1], "firmwright-device-linux-arm64")
	os.Rename(staticELF(t, elf.EM_AARCH64), found)
	if e := builtRootfs(t, spec).Lookup(builder.DeviceFwupPath); e == nil || e.Size != 64 {
		t.Errorf("with %s: /usr/bin/fwup is %+v, want it", found, e)
	}
}

// TestDeviceFirmwrightKeepsErlinit: on a Nerves base (erlinit installed as
// /sbin/init by Buildroot's package), init stays erlinit; firmwright only
// becomes the fwup the base lacks.
func TestDeviceFirmwrightKeepsErlinit(t *testing.T) {
	spec := buildertest.Spec(t, buildertest.System(t, "rpi4"), 1<<20)
	spec.DeviceFirmwright = staticELF(t, elf.EM_AARCH64)
	tree := builtRootfs(t, spec)
	if e := tree.Lookup(builder.InitPath); e == nil || e.Kind != rootfs.File || e.Size == 64 {
		t.Errorf("/sbin/init is %+v, want the base's erlinit", e)
	}
	if e := tree.Lookup(builder.DeviceFwupPath); e == nil || e.Size != 64 {
		t.Errorf("/usr/bin/fwup is %+v, want firmwright", e)
	}
}

// builtRootfs builds spec and reads back the root filesystem in ROOTFS-A
// of its image.
func builtRootfs(t *testing.T, spec builder.Spec) *rootfs.Tree {
	t.Helper()
	res, err := builder.Build(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	c := openCard(t, spec.Image)
	img := make([]byte, res.RootfsSize)
	c.f.ReadAt(img, rootfsAOff*512)
	p := filepath.Join(t.TempDir(), "rootfs.img")
	os.WriteFile(p, img, 0o644)
	tree, err := squashfs.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}
