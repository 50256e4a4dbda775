package systems

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/firmwright/firmwright"
	"github.com/firmwright/firmwright/erlang"
)

// MetadataFile is the file in a system folder that describes it.
const MetadataFile = "system.json"

// System is one board's description (its system.json) and its files.
type System struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Platform and Architecture are NERVES_FW_PLATFORM and
	// NERVES_FW_ARCHITECTURE: what upgrades check a device against.
	Platform     string `json:"platform"`
	Architecture string `json:"architecture"`
	// ELF is what native code in the release must be built for:
	// aarch64, armhf or x86_64.
	ELF string `json:"elf"`
	// Kernel lists the kernel's names in the base's images/ folder, by
	// preference; the first one present is used.
	Kernel []string `json:"kernel"`
	// BaseFiles are other files the base's images/ folder must have, by
	// their paths there, which the system's fwup.conf names itself.
	BaseFiles []string `json:"base_files"`
	// Firmware lists the firmware's variants, by preference; the base
	// must have every file of one (bootfiles.go).
	Firmware []Firmware `json:"firmware"`
	// DeviceTree is the board's main device tree: one of these names,
	// the first the one the Pi firmware looks for.
	DeviceTree []string `json:"device_tree"`
	// FirmwareDTBs are the device tree names the Pi firmware loads by
	// itself (default: the first of DeviceTree); the main device tree
	// found under another name is named in config.txt (device_tree=).
	FirmwareDTBs []string `json:"firmware_dtb_names"`
	// OptionalBoot are boot files (path.Match patterns) put on the card
	// when the base has them: other boards' device trees, overlays.
	OptionalBoot []string `json:"optional_boot_files"`

	// Files holds the folder's files (fwup.conf, layout.conf, …).
	Files fs.FS `json:"-"`
	// Dir is the folder on disk, or "" for an embedded system.
	Dir string `json:"-"`
}

// ELFTarget is the machine the system's release code must be built for.
func (s *System) ELFTarget() (*erlang.ELFTarget, error) {
	t, ok := erlang.ELFTargetNamed(s.ELF)
	if !ok {
		names := erlang.ELFTargetNames()
		return nil, fmt.Errorf("system %s: %s: elf %q: expected %s or %s", s.Name, MetadataFile, s.ELF,
			strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	}
	return t, nil
}

// Names lists the embedded systems.
func Names() []string {
	ents, _ := fs.ReadDir(firmwright.Files, "systems")
	var names []string
	for _, e := range ents {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Configs is the shared configs folder.
func Configs() fs.FS {
	sub, err := fs.Sub(firmwright.Files, "configs")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}

// Lookup finds a system by name, or reads one from a folder when the
// argument is a path (it contains a slash or names an existing directory).
func Lookup(nameOrDir string) (*System, error) {
	if strings.ContainsRune(nameOrDir, os.PathSeparator) || strings.Contains(nameOrDir, "/") {
		return FromDir(nameOrDir)
	}
	if fi, err := os.Stat(nameOrDir); err == nil && fi.IsDir() {
		return FromDir(nameOrDir)
	}
	sub, err := fs.Sub(firmwright.Files, path.Join("systems", nameOrDir))
	if err == nil {
		if _, err = fs.Stat(sub, MetadataFile); err == nil {
			return load(sub, "")
		}
	}
	return nil, fmt.Errorf("no system named %q: expected one of %s, or a folder with a %s", nameOrDir, strings.Join(Names(), ", "), MetadataFile)
}

// FromDir reads a system folder on disk.
func FromDir(dir string) (*System, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return load(os.DirFS(abs), abs)
}

func load(files fs.FS, dir string) (*System, error) {
	where := "system " + dir
	data, err := fs.ReadFile(files, MetadataFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s (a system folder has %s, fwup.conf and the files it names)", where, MetadataFile, MetadataFile)
		}
		return nil, err
	}
	s := &System{Files: files, Dir: dir}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", where, MetadataFile, err)
	}
	if dir == "" {
		where = "system " + s.Name
	}
	var missing []string
	for field, v := range map[string]string{"name": s.Name, "platform": s.Platform, "architecture": s.Architecture, "elf": s.ELF} {
		if v == "" {
			missing = append(missing, field)
		}
	}
	if len(s.Kernel) == 0 {
		missing = append(missing, "kernel")
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%s: %s: missing %s", where, MetadataFile, strings.Join(missing, ", "))
	}
	if _, err := s.ELFTarget(); err != nil {
		return nil, err
	}
	if err := s.checkBootFiles(where); err != nil {
		return nil, err
	}
	if _, err := fs.Stat(files, "fwup.conf"); err != nil {
		return nil, fmt.Errorf("%s: no fwup.conf", where)
	}
	return s, nil
}

// Materialize writes the system's folder and the shared configs under dir
// (as dir/system and dir/configs), for fwup's include() and host-path,
// which read files by name. A system read from disk is used where it is.
func (s *System) Materialize(dir string) (systemDir, configsDir string, err error) {
	configsDir = filepath.Join(dir, "configs")
	if err := os.CopyFS(configsDir, Configs()); err != nil {
		return "", "", err
	}
	if s.Dir != "" {
		return s.Dir, configsDir, nil
	}
	systemDir = filepath.Join(dir, "system")
	if err := os.CopyFS(systemDir, s.Files); err != nil {
		return "", "", err
	}
	return systemDir, configsDir, nil
}
