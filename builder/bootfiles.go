package builder

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/systems"
)

// A system's boot files are found by what the base has (systems'
// bootfiles.go says why): the first firmware variant whose files are all
// there, the first of the main device tree's names, and the optional
// files present. What was found becomes a fwup.conf fragment (bootconf.go).

// bootFile is a boot file found: its path on the boot partition and
// below images/.
type bootFile struct{ card, rel string }

// bootSet is what findBootFiles found in a base's images/ folder.
type bootSet struct {
	variant    string            // the firmware variant taken; "" when the system names none
	vars       map[string]string // the firmware's fwup.conf variables → host paths
	deviceTree string            // the main device tree's name, as found
	files      []bootFile        // the main device tree, then the optional files found
	absent     []string          // optional names and patterns the base lacks
	missing    []string          // required files the base lacks
}

// safeName is what a boot file's path may hold to be written into a
// fwup.conf string as it is.
var safeName = regexp.MustCompile(`^[A-Za-z0-9._+,@/-]+$`)

// findBootFiles looks up sys's firmware, device tree and optional boot
// files in images.
func findBootFiles(images string, sys *systems.System) (*bootSet, error) {
	b := &bootSet{vars: map[string]string{}}
	b.findFirmware(images, sys.Firmware)
	if len(sys.DeviceTree) > 0 {
		found := false
		for _, name := range sys.DeviceTree {
			if rel, ok := lookupBoot(images, name); ok {
				b.deviceTree, found = name, true
				b.files = append(b.files, bootFile{name, rel})
				break
			}
		}
		if !found {
			b.missing = append(b.missing, strings.Join(sys.DeviceTree, " or ")+" (in images/ or images/rpi-firmware/)")
		}
	}
	seen := map[string]bool{}
	for _, f := range b.files {
		seen[f.card] = true
	}
	for _, pattern := range sys.OptionalBoot {
		found := globBoot(images, pattern)
		if len(found) == 0 {
			b.absent = append(b.absent, pattern)
		}
		for _, f := range found {
			if !seen[f.card] {
				seen[f.card] = true
				b.files = append(b.files, f)
			}
		}
	}
	for _, f := range b.files {
		if !safeName.MatchString(f.rel) {
			return nil, fmt.Errorf("%s: a boot file's name may hold letters, digits and ._+,@/- only (it is written into a fwup.conf)", filepath.Join(images, f.rel))
		}
	}
	return b, nil
}

// findFirmware takes the first variant whose files are all in images.
func (b *bootSet) findFirmware(images string, variants []systems.Firmware) {
	var wanted []string
	for _, fw := range variants {
		vars := slices.Sorted(maps.Keys(fw.Files))
		names := make([]string, len(vars))
		paths := map[string]string{}
		complete := true
		for i, v := range vars {
			names[i] = fw.Files[v]
			rel, ok := lookupBoot(images, fw.Files[v])
			complete = complete && ok
			paths[v] = filepath.Join(images, rel)
		}
		if complete {
			b.variant, b.vars = fw.Variant, paths
			return
		}
		wanted = append(wanted, strings.Join(names, " and "))
	}
	if len(wanted) > 0 {
		b.missing = append(b.missing, "the firmware, "+strings.Join(wanted, ", or ")+" (in images/ or images/rpi-firmware/)")
	}
}

// lookupBoot finds a boot file name in images' BootLookup folders and
// returns its path below images.
func lookupBoot(images, name string) (string, bool) {
	for _, dir := range systems.BootLookup {
		rel := filepath.ToSlash(filepath.Join(dir, name))
		if fi, err := os.Stat(filepath.Join(images, rel)); err == nil && fi.Mode().IsRegular() {
			return rel, true
		}
	}
	return "", false
}

// globBoot finds the regular files a pattern matches in the first of
// images' BootLookup folders where it matches any.
func globBoot(images, pattern string) []bootFile {
	for _, dir := range systems.BootLookup {
		matches, _ := filepath.Glob(filepath.Join(images, dir, filepath.FromSlash(pattern)))
		var found []bootFile
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			card, _ := filepath.Rel(filepath.Join(images, dir), m)
			rel, _ := filepath.Rel(images, m)
			found = append(found, bootFile{filepath.ToSlash(card), filepath.ToSlash(rel)})
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

// note is what the build's stage line says of the boot files: the
// firmware variant taken and the optional files the card goes without.
func (b *bootSet) note() string {
	var parts []string
	if b.variant != "" {
		parts = append(parts, "firmware "+b.variant)
	}
	if len(b.absent) > 0 {
		parts = append(parts, "not in the base, so not on the card: "+strings.Join(b.absent, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
