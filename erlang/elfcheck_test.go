package erlang

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

// elfHeader writes a minimal ELF header by hand: enough for
// debug/elf.NewFile (no program or section headers).
func elfHeader(t testing.TB, class elf.Class, machine elf.Machine, flags uint32) string {
	t.Helper()
	var b bytes.Buffer
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(class), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)}
	if class == elf.ELFCLASS64 {
		h := elf.Header64{Ident: ident, Type: uint16(elf.ET_DYN), Machine: uint16(machine), Version: 1, Flags: flags, Ehsize: 64}
		binary.Write(&b, binary.LittleEndian, h)
	} else {
		h := elf.Header32{Ident: ident, Type: uint16(elf.ET_DYN), Machine: uint16(machine), Version: 1, Flags: flags, Ehsize: 52}
		binary.Write(&b, binary.LittleEndian, h)
	}
	if f, err := elf.NewFile(bytes.NewReader(b.Bytes())); err != nil {
		t.Fatalf("debug/elf refuses our header: %v", err)
	} else if f.Machine != machine || f.Class != class {
		t.Fatalf("debug/elf reads %v %v", f.Machine, f.Class)
	}
	return b.String()
}

func TestCheckELF(t *testing.T) {
	aarch64 := elfHeader(t, elf.ELFCLASS64, elf.EM_AARCH64, 0)
	armhf := elfHeader(t, elf.ELFCLASS32, elf.EM_ARM, 0x05000400)
	armsf := elfHeader(t, elf.ELFCLASS32, elf.EM_ARM, 0x05000200)
	armEABI4 := elfHeader(t, elf.ELFCLASS32, elf.EM_ARM, 0x04000400)
	x86 := elfHeader(t, elf.ELFCLASS64, elf.EM_X86_64, 0)
	macho := "\xcf\xfa\xed\xfe\x07\x00\x00\x01"
	release := func(nif string) *rootfs.Tree {
		return rootfstest.MemTree(t,
			"erts-13.2/bin/beam.smp f 755 0:0 "+nif,
			"lib/app-1.0/priv/nif.so f 644 0:0 "+nif,
			"lib/app-1.0/priv/host.so f 644 0:0 "+x86,
			"lib/app-1.0/priv/mac.so f 755 0:0 "+macho,
			"lib/app-1.0/priv/script.sh f 755 0:0 #!/bin/sh",
			"lib/app-1.0/priv/short f 755 0:0 \x7fEL",
			"lib/app-1.0/priv/truncated f 755 0:0 \x7fELF\x02\x01",
			"lib/app-1.0/priv/link h 644 0:0 lib/app-1.0/priv/host.so",
			"lib/vendored-1.0/priv/.noscrub f 644 0:0 ",
			"lib/vendored-1.0/priv/bin/tool f 755 0:0 "+x86,
		)
	}
	tests := []struct {
		name   string
		tree   *rootfs.Tree
		target ELFTarget
		want   []string
	}{{
		name: "aarch64", tree: release(aarch64), target: ELFAArch64,
		want: []string{
			"3 files in the release are not built for AARCH64 64-bit little-endian:",
			"  lib/app-1.0/priv/host.so: X86_64 64-bit little-endian, expected AARCH64 64-bit little-endian",
			"  lib/app-1.0/priv/mac.so: a Mach-O (macOS) file, expected AARCH64 64-bit little-endian",
			"  lib/app-1.0/priv/truncated: a truncated ELF header, expected AARCH64 64-bit little-endian",
		},
	}, {
		name: "armhf target, aarch64 files", tree: release(aarch64), target: ELFARMHardFloat,
		want: []string{
			"5 files in the release are not built for ARM 32-bit little-endian, EABI5, hard-float:",
			"  erts-13.2/bin/beam.smp: AARCH64 64-bit little-endian, expected ARM 32-bit little-endian, EABI5, hard-float",
			"  lib/app-1.0/priv/nif.so: AARCH64 64-bit little-endian, expected ARM 32-bit little-endian, EABI5, hard-float",
		},
	}, {
		name: "armhf target, soft-float files", tree: release(armsf), target: ELFARMHardFloat,
		want: []string{"  lib/app-1.0/priv/nif.so: ARM 32-bit little-endian, EABI5, soft-float, expected ARM 32-bit little-endian, EABI5, hard-float"},
	}, {
		name: "armhf target, EABI4", tree: release(armEABI4), target: ELFARMHardFloat,
		want: []string{"  lib/app-1.0/priv/nif.so: ARM 32-bit little-endian, EABI4, hard-float, expected ARM 32-bit little-endian, EABI5, hard-float"},
	}, {
		name: "armhf", tree: release(armhf), target: ELFARMHardFloat,
		want: []string{"3 files in the release", "To keep a directory's files unchecked, put an empty .noscrub file in it."},
	}, {
		name: "clean", tree: rootfstest.MemTree(t, "lib/a/priv/x.so f 755 0:0 "+armhf, "lib/a/ebin/a.beam f 644 0:0 FOR1"), target: ELFARMHardFloat,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckELF(tc.tree, tc.target)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing %q in\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "vendored") || strings.Contains(err.Error(), "script.sh") || strings.Contains(err.Error(), "priv/link") {
				t.Errorf("checked what it should not:\n%v", err)
			}
		})
	}
}

// TestCheckELFGoBinaries builds a tiny program for arm64 and for arm
// (GOARM=7, hard float) with the Go toolchain and checks real linker
// output.
func TestCheckELFGoBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	build := func(out string, env ...string) string {
		cmd := exec.Command(goTool, "build", "-o", filepath.Join(dir, out), src)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"CGO_ENABLED=0", "GOOS=linux", "GOFLAGS=", "GO111MODULE=off"}, env...)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", out, err, b)
		}
		data, err := os.ReadFile(filepath.Join(dir, out))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	arm64 := build("arm64", "GOARCH=arm64")
	arm := build("arm", "GOARCH=arm", "GOARM=7")
	tr := func(data string) *rootfs.Tree { return rootfstest.MemTree(t, "erts-13.2/bin/prog f 755 0:0 "+data) }
	if err := CheckELF(tr(arm64), ELFAArch64); err != nil {
		t.Error(err)
	}
	if err := CheckELF(tr(arm), ELFARMHardFloat); err != nil {
		t.Error(err)
	}
	err = CheckELF(tr(arm64), ELFARMHardFloat)
	if err == nil || !strings.Contains(err.Error(), "erts-13.2/bin/prog: AARCH64 64-bit little-endian, expected ARM 32-bit little-endian, EABI5, hard-float") {
		t.Errorf("arm64 binary on an ARM target: %v", err)
	}
}
