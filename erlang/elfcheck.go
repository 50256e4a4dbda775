package erlang

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/firmwright/firmwright/rootfs"
)

// FloatABI is the ARM floating-point calling convention an ELF file's
// header declares (EF_ARM_ABI_FLOAT_HARD or _SOFT).
type FloatABI uint8

const (
	// FloatAny does not check the float ABI.
	FloatAny FloatABI = iota
	FloatHard
	FloatSoft
)

// ELFTarget is the machine a release's native code must be built for.
type ELFTarget struct {
	Machine elf.Machine
	Class   elf.Class
	// Data is the byte order; 0 does not check it.
	Data elf.Data
	// ARMEABI is the ARM EABI version (5 for every current toolchain);
	// 0 does not check it. ARM only, as ARMFloat.
	ARMEABI  uint8
	ARMFloat FloatABI
}

// ELF targets of the systems: rpi0 and rpi3 are 32-bit ARM with
// hardware floating point (armv6 and armv7 both use the hard-float EABI5
// ABI), rpi3-64, rpi4, rpi5 and qemu-aarch64 are AArch64.
var (
	ELFARMHardFloat = ELFTarget{Machine: elf.EM_ARM, Class: elf.ELFCLASS32, Data: elf.ELFDATA2LSB, ARMEABI: 5, ARMFloat: FloatHard}
	ELFAArch64      = ELFTarget{Machine: elf.EM_AARCH64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB}
	ELFX86_64       = ELFTarget{Machine: elf.EM_X86_64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB}
)

// elfTargetNames are the names system.json and `firmwright rootfs --arch`
// give the targets.
var elfTargetNames = []struct {
	name   string
	target *ELFTarget
}{{"aarch64", &ELFAArch64}, {"armhf", &ELFARMHardFloat}, {"x86_64", &ELFX86_64}}

// ELFTargetNamed returns the target called name, one of ELFTargetNames.
func ELFTargetNamed(name string) (*ELFTarget, bool) {
	for _, t := range elfTargetNames {
		if t.name == name {
			return t.target, true
		}
	}
	return nil, false
}

// ELFTargetNames lists the targets' names: aarch64, armhf, x86_64.
func ELFTargetNames() []string {
	var names []string
	for _, t := range elfTargetNames {
		names = append(names, t.name)
	}
	return names
}

// ARM e_flags fields (the ARM ELF ABI).
const (
	efARMEABIMask  = 0xff000000
	efARMFloatHard = 0x400
	efARMFloatSoft = 0x200
)

func (t ELFTarget) String() string {
	return describeELF(t.Machine, t.Class, t.Data, t.ARMEABI, t.ARMFloat)
}

func describeELF(m elf.Machine, c elf.Class, d elf.Data, eabi uint8, fl FloatABI) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", strings.TrimPrefix(m.String(), "EM_"), strings.TrimPrefix(c.String(), "ELFCLASS"))
	switch d {
	case elf.ELFDATA2LSB:
		b.WriteString("-bit little-endian")
	case elf.ELFDATA2MSB:
		b.WriteString("-bit big-endian")
	default:
		b.WriteString("-bit")
	}
	if m == elf.EM_ARM {
		if eabi != 0 {
			fmt.Fprintf(&b, ", EABI%d", eabi)
		}
		switch fl {
		case FloatHard:
			b.WriteString(", hard-float")
		case FloatSoft:
			b.WriteString(", soft-float")
		}
	}
	return b.String()
}

// CheckELF checks every ELF file in a release (found by its magic
// number, whatever its mode) against want and lists every mismatch, one
// line each with the path, what the header says and what was expected,
// in one error. Mach-O files, built for macOS, are mismatches too.
// Compared are the machine, class and byte order and, for ARM, the EABI
// version and float ABI from e_flags; the OS ABI is not (nerves_system_br
// scrub-otp-release.sh ignores the SYSV/GNU difference too). An ARM file
// that declares no float ABI passes: Go's linker writes none into its
// static binaries, which call no C code (Nerves compares readelf's Flags
// text whole and refuses them).
//
// This is scrub-otp-release.sh's executable check, which compares
// readelf -h's Machine and Flags with a binary the cross-compiler built,
// except that it reads every file rather than those with the owner's
// execute bit, so NIF libraries installed 0644 are caught. As there, a
// file in or below a directory holding a .noscrub file is not checked.
func CheckELF(t *rootfs.Tree, want ELFTarget) error {
	noscrub := noscrubDirs(t)
	var bad []string
	for _, e := range t.Entries {
		if e.Kind != rootfs.File || e.Open == nil || exemptByNoscrub(e.Path, noscrub) {
			continue
		}
		found, ok, err := elfHeaderMismatch(e, want)
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("  %s: %v", e.Path, err))
		case !ok:
			bad = append(bad, fmt.Sprintf("  %s: %s, expected %s", e.Path, found, want))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%d files in the release are not built for %s:\n%s\n"+
		"They were probably built for the host or another target (clean the dependency's build products and rebuild). "+
		"To keep a directory's files unchecked, put an empty .noscrub file in it.",
		len(bad), want, strings.Join(bad, "\n"))
}

// elfHeaderMismatch reads e's first bytes; ok is true when e is not ELF
// or Mach-O or matches want, else found describes it.
func elfHeaderMismatch(e *rootfs.Entry, want ELFTarget) (found string, ok bool, err error) {
	rc, err := e.Open()
	if err != nil {
		return "", false, err
	}
	defer rc.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(rc, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	head = head[:n]
	if len(head) >= 4 {
		switch binary.BigEndian.Uint32(head) {
		case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe:
			return "a Mach-O (macOS) file", false, nil
		}
	}
	if !bytes.HasPrefix(head, []byte(elf.ELFMAG)) {
		return "", true, nil
	}
	class, data := elf.Class(head[elf.EI_CLASS]), elf.Data(head[elf.EI_DATA])
	var order binary.ByteOrder
	switch data {
	case elf.ELFDATA2LSB:
		order = binary.LittleEndian
	case elf.ELFDATA2MSB:
		order = binary.BigEndian
	default:
		return fmt.Sprintf("an ELF file with an invalid byte order (%d)", data), false, nil
	}
	// e_machine is at 18 in both classes; e_flags follows e_entry,
	// e_phoff and e_shoff, 4 or 8 bytes each.
	flagsAt := 36
	switch class {
	case elf.ELFCLASS32:
	case elf.ELFCLASS64:
		flagsAt = 48
	default:
		return fmt.Sprintf("an ELF file with an invalid class (%d)", class), false, nil
	}
	if len(head) < flagsAt+4 {
		return "a truncated ELF header", false, nil
	}
	machine := elf.Machine(order.Uint16(head[18:]))
	flags := order.Uint32(head[flagsAt:])
	var eabi uint8
	fl := FloatAny
	if machine == elf.EM_ARM {
		eabi = uint8((flags & efARMEABIMask) >> 24)
		switch {
		case flags&efARMFloatHard != 0:
			fl = FloatHard
		case flags&efARMFloatSoft != 0:
			fl = FloatSoft
		}
	}
	ok = machine == want.Machine && class == want.Class &&
		(want.Data == 0 || data == want.Data) &&
		(want.ARMEABI == 0 || eabi == want.ARMEABI) &&
		(want.ARMFloat == FloatAny || fl == FloatAny || fl == want.ARMFloat)
	return describeELF(machine, class, data, eabi, fl), ok, nil
}
