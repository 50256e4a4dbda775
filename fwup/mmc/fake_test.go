package mmc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeMachine is a fake /dev, /sys and /proc tree with the device numbers a
// real stat(2) would report for its paths.
type fakeMachine struct {
	t        *testing.T
	root     string
	ids      map[string]DeviceIDs // by path on the machine, e.g. "/dev/sda"
	rootDev  uint64
	warnings []string
}

func newFakeMachine(t *testing.T) *fakeMachine {
	return &fakeMachine{t: t, root: t.TempDir(), ids: map[string]DeviceIDs{}}
}

func (m *fakeMachine) system() *System {
	return &System{
		Root:    m.root,
		RootDev: func() (uint64, error) { return m.rootDev, nil },
		Stat:    m.stat,
		Warn:    func(msg string) { m.warnings = append(m.warnings, msg) },
	}
}

// stat fails like stat(2) for missing files and otherwise reports the
// device numbers given to the path.
func (m *fakeMachine) stat(hostPath string) (DeviceIDs, error) {
	if _, err := os.Stat(hostPath); err != nil {
		return DeviceIDs{}, err
	}
	rel := "/" + strings.TrimPrefix(strings.TrimPrefix(hostPath, m.root), "/")
	return m.ids[filepath.Clean(rel)], nil
}

// write creates a file of the tree with its parent directories.
func (m *fakeMachine) write(p, content string) {
	m.t.Helper()
	full := filepath.Join(m.root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		m.t.Fatal(err)
	}
}

// disk adds /dev/NAME as a sparse file of nodeSize bytes (0: the node tells
// nothing, as without read permission) standing for device rdev, and its
// sysfs size (in blocks) and removable attributes unless they are "".
func (m *fakeMachine) disk(name string, rdev uint64, nodeSize int64, sysfsBlocks, removable string) {
	m.t.Helper()
	m.write("/dev/"+name, "")
	if err := os.Truncate(filepath.Join(m.root, "dev", name), nodeSize); err != nil {
		m.t.Fatal(err)
	}
	m.ids["/dev/"+name] = DeviceIDs{Rdev: rdev}
	if sysfsBlocks != "" {
		m.write("/sys/block/"+name+"/size", sysfsBlocks)
	}
	if removable != "" {
		m.write("/sys/block/"+name+"/removable", removable)
	}
}
