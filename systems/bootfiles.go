package systems

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// The boot files a Raspberry Pi needs come in shapes that differ between
// Buildroot's defconfigs and Nerves systems: the firmware as one of
// several variants (start4x.elf or start4.elf), the device trees under
// images/ or images/rpi-firmware/, some boards' device trees and the
// overlays present or not. A system says which shapes it takes; the
// builder looks them up and tells the system's fwup.conf what it found
// (BootLookup).

// BootLookup are the folders of a base's images/ folder a boot file
// name is looked up in, in order: Buildroot copies the kernel's device
// trees into images/, and the rpi-firmware package its own (and the
// overlays) into images/rpi-firmware/.
var BootLookup = []string{".", "rpi-firmware"}

// Firmware is one variant of the Pi's firmware files: each variable the
// system's fwup.conf reads, and the boot file name it takes.
type Firmware struct {
	// Variant names it in the build's stage line.
	Variant string `json:"variant"`
	// Files maps a fwup.conf variable (FIRMWRIGHT_START_ELF) to a boot
	// file name (start4x.elf).
	Files map[string]string `json:"files"`
}

// BootConfFiles are the fwup.conf fragments a build writes into the
// folder ${FIRMWRIGHT_BOOT_FILES} names: the boot files' resources, their
// writes to slot A's and slot B's boot partition, and the same with the
// other slot's copy as the delta source, for upgrades.
var BootConfFiles = []string{"resources.conf", "boot-a.conf", "boot-b.conf", "upgrade-a.conf", "upgrade-b.conf"}

// writeEmptyBootConf writes the fragments with no boot files in them,
// for reading a fwup.conf without a base (Layout).
func writeEmptyBootConf(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range BootConfFiles {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			return err
		}
	}
	return nil
}

var varName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// checkBootFiles checks the boot file vocabulary of a system.json.
func (s *System) checkBootFiles(where string) error {
	for i, fw := range s.Firmware {
		at := fmt.Sprintf("%s: %s: firmware[%d]", where, MetadataFile, i)
		if fw.Variant == "" || len(fw.Files) == 0 {
			return fmt.Errorf("%s: expected a \"variant\" name and \"files\" (variable → boot file name)", at)
		}
		for v, name := range fw.Files {
			if !varName.MatchString(v) {
				return fmt.Errorf("%s: files: %q: expected a variable name in capitals (FIRMWRIGHT_START_ELF)", at, v)
			}
			if err := checkBootName(name, false); err != nil {
				return fmt.Errorf("%s: files: %s: %w", at, v, err)
			}
		}
	}
	for field, names := range map[string][]string{"device_tree": s.DeviceTree, "firmware_dtb_names": s.FirmwareDTBs, "optional_boot_files": s.OptionalBoot} {
		for _, name := range names {
			if err := checkBootName(name, field == "optional_boot_files"); err != nil {
				return fmt.Errorf("%s: %s: %s: %w", where, MetadataFile, field, err)
			}
		}
	}
	return nil
}

// checkBootName refuses names that would reach outside images/ or, for
// patterns, that path.Match cannot take.
func checkBootName(name string, pattern bool) error {
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return fmt.Errorf("%q: expected a relative path inside images/", name)
	}
	if !pattern && strings.ContainsAny(name, "*?[") {
		return fmt.Errorf("%q: expected a file name, not a pattern (patterns go in optional_boot_files)", name)
	}
	if _, err := path.Match(name, ""); err != nil {
		return fmt.Errorf("%q: %w", name, err)
	}
	return nil
}

// bootSummary says in a line what boot files the system takes.
func (s *System) bootSummary() string {
	var parts []string
	var variants []string
	for _, fw := range s.Firmware {
		names := make([]string, 0, len(fw.Files))
		for _, v := range slices.Sorted(maps.Keys(fw.Files)) {
			names = append(names, fw.Files[v])
		}
		variants = append(variants, strings.Join(names, "+"))
	}
	if len(variants) > 0 {
		parts = append(parts, "firmware "+strings.Join(variants, " or "))
	}
	parts = append(parts, s.BaseFiles...)
	if len(s.DeviceTree) > 0 {
		parts = append(parts, "device tree "+strings.Join(s.DeviceTree, " or "))
	}
	if len(s.OptionalBoot) > 0 {
		parts = append(parts, "when present "+strings.Join(s.OptionalBoot, ", "))
	}
	return strings.Join(parts, "; ")
}
