package builder

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/firmwright/firmwright/erlang"
	"github.com/firmwright/firmwright/rootfs"
)

// Paths of firmwright's own binary on the device.
const (
	// DeviceFwupPath is where the device finds fwup: firmwright speaks
	// fwup's command line when invoked under that name.
	DeviceFwupPath = "usr/bin/fwup"
	// InitPath is PID 1. On a base without erlinit it links to
	// firmwright, which runs as a Nerves-style init when invoked as init.
	InitPath = "sbin/init"
	// erlinitPath is where Buildroot's erlinit package installs itself.
	erlinitPath = "sbin/erlinit"
)

// hasErlinit reports whether a base runs erlinit as its init: Buildroot's
// erlinit package installs it as /sbin/init (a regular file), some bases
// as /sbin/erlinit with /sbin/init linking to it.
func hasErlinit(base *rootfs.Tree) (bool, error) {
	if base.Lookup(erlinitPath) != nil {
		return true, nil
	}
	e := base.Lookup(InitPath)
	switch {
	case e == nil:
		return false, nil
	case e.Kind == rootfs.Symlink:
		return filepath.Base(e.Link) == "erlinit", nil
	case e.Kind != rootfs.File || e.Open == nil:
		return false, nil
	}
	rc, err := e.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 4<<20))
	if err != nil {
		return false, err
	}
	// erlinit's messages and usage name it.
	return bytes.Contains(data, []byte("erlinit")), nil
}

// deviceBinary is where firmwright's device binary (cmd/firmwright-device)
// may be: the file given, else deviceBinaryName in each folder, in order.
type deviceBinary struct {
	path string
	dirs []string
}

// deviceBinaryName is the device binary's file name for a board's
// target, as scripts/release names it: firmwright-device-linux-arm64,
// firmwright-device-linux-arm.
func deviceBinaryName(t erlang.ELFTarget) string {
	return "firmwright-device-linux-" + goarchName(t)
}

// find returns the device binary's path, or "" and where it looked.
func (d deviceBinary) find(want erlang.ELFTarget) (string, []string) {
	if d.path != "" {
		return d.path, nil
	}
	var looked []string
	for _, dir := range d.dirs {
		p := filepath.Join(dir, deviceBinaryName(want))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		looked = append(looked, p)
	}
	return "", looked
}

// deviceFiles are the entries for firmwright's device binary: as init
// when the base has no erlinit, and as fwup when the base has none (a
// base's own fwup stays). A base without erlinit needs the binary; one
// with erlinit but no fwup gets it if it is found.
func deviceFiles(dev deviceBinary, base *rootfs.Tree, want erlang.ELFTarget) ([]rootfs.GeneratedFile, error) {
	erlinit, err := hasErlinit(base)
	if err != nil {
		return nil, fmt.Errorf("base /%s: %w", InitPath, err)
	}
	needInit, needFwup := !erlinit, base.Lookup(DeviceFwupPath) == nil
	if !needInit && !needFwup {
		return nil, nil // a Nerves base: erlinit and fwup are its own
	}
	bin, looked := dev.find(want)
	if bin == "" {
		if needInit {
			return nil, missingDeviceBinary(looked, want)
		}
		return nil, nil
	}
	if err := checkDeviceBinary(bin, want); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var files []rootfs.GeneratedFile
	switch {
	case needFwup:
		files = append(files, rootfs.GeneratedFile{Path: DeviceFwupPath, Mode: 0o755, Data: data})
		if needInit {
			files = append(files, rootfs.GeneratedFile{Path: InitPath, Link: "../" + DeviceFwupPath})
		}
	default:
		files = append(files, rootfs.GeneratedFile{Path: InitPath, Mode: 0o755, Data: data})
	}
	return files, nil
}

// missingDeviceBinary says where the device binary was looked for and the
// command that builds it.
func missingDeviceBinary(looked []string, want erlang.ELFTarget) error {
	where := "no folder to look in"
	if len(looked) > 0 {
		where = "not at " + strings.Join(looked, ", ")
	}
	name := deviceBinaryName(want)
	return fmt.Errorf("the base has no erlinit (/%s), so firmwright's device binary becomes its /%s, and none for %s was found: "+
		"--device-firmwright FILE (or FIRMWRIGHT_DEVICE_FIRMWRIGHT) not given, %s; "+
		"build it in firmwright's source with: CGO_ENABLED=0 GOOS=linux GOARCH=%s go build -trimpath -ldflags=-s -o %s ./cmd/firmwright-device "+
		"(scripts/release builds it for every board into dist/)",
		erlinitPath, InitPath, want, where, goarch(want), name)
}

// checkDeviceBinary refuses a binary that would not run on the board:
// another architecture, or one that needs a dynamic loader.
func checkDeviceBinary(path string, want erlang.ELFTarget) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("--device-firmwright %s: %w (expected firmwright-device built for %s)", path, err, want)
	}
	defer f.Close()
	if f.Machine != want.Machine || f.Class != want.Class {
		return fmt.Errorf("--device-firmwright %s is for %s %s; the board needs %s (GOOS=linux GOARCH=%s CGO_ENABLED=0)", path, f.Machine, f.Class, want, goarch(want))
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("--device-firmwright %s is dynamically linked; build it with CGO_ENABLED=0 so it runs without the host's libc", path)
		}
	}
	return nil
}

// goarchName is the target's GOARCH.
func goarchName(t erlang.ELFTarget) string {
	switch t.Machine {
	case elf.EM_AARCH64:
		return "arm64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_X86_64:
		return "amd64"
	}
	return "?"
}

// goarch is the target's GOARCH as a build for it is given: 32-bit ARM
// boards (rpi0, rpi3) need GOARM=6 too.
func goarch(t erlang.ELFTarget) string {
	if t.Machine == elf.EM_ARM {
		return "arm GOARM=6"
	}
	return goarchName(t)
}
