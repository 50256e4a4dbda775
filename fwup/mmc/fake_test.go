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
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &fakeMachine{t: t, root: root, ids: map[string]DeviceIDs{}}
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
// device numbers given to the path, following symlinks as stat(2) does.
func (m *fakeMachine) stat(hostPath string) (DeviceIDs, error) {
	resolved, err := filepath.EvalSymlinks(hostPath)
	if err != nil {
		return DeviceIDs{}, err
	}
	rel := "/" + strings.TrimPrefix(strings.TrimPrefix(resolved, m.root), "/")
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
// nothing, as without read permission) standing for device rdev, its sysfs
// directory laid out as the kernel lays it out (see sysfsDir), and its
// sysfs size (in blocks) and removable attributes unless they are "".
func (m *fakeMachine) disk(name string, rdev uint64, nodeSize int64, sysfsBlocks, removable string) {
	m.t.Helper()
	m.node(name, rdev, nodeSize)
	dir := m.sysfsDir(name, "", rdev)
	if sysfsBlocks != "" {
		m.write(dir+"/size", sysfsBlocks)
	}
	if removable != "" {
		m.write(dir+"/removable", removable)
	}
}

// partition adds /dev/NAME for partition rdev of disk, and its sysfs
// directory inside the disk's with a "partition" attribute.
func (m *fakeMachine) partition(disk, name string, rdev uint64) {
	m.t.Helper()
	m.node(name, rdev, 0)
	dir := m.sysfsDir(name, disk, rdev)
	m.write(dir+"/partition", "1\n")
}

// node adds /dev/NAME, a sparse file of size bytes standing for rdev.
func (m *fakeMachine) node(name string, rdev uint64, size int64) {
	m.t.Helper()
	m.write("/dev/"+name, "")
	if err := os.Truncate(filepath.Join(m.root, "dev", name), size); err != nil {
		m.t.Fatal(err)
	}
	m.ids["/dev/"+name] = DeviceIDs{Rdev: rdev}
}

// sysfsDir makes the sysfs directory of block device NAME (a partition
// when disk is not ""): /sys/devices/virtual/block/[DISK/]NAME holding its
// dev attribute, with the relative links /sys/dev/block/MAJ:MIN,
// /sys/class/block/NAME and, for a disk, /sys/block/NAME pointing at it. It
// returns the directory's path on the machine.
func (m *fakeMachine) sysfsDir(name, disk string, rdev uint64) string {
	m.t.Helper()
	rel := "devices/virtual/block/" + name
	if disk != "" {
		rel = "devices/virtual/block/" + disk + "/" + name
	}
	m.write("/sys/"+rel+"/dev", majMin(rdev)+"\n")
	m.link("/sys/dev/block/"+majMin(rdev), "../../"+rel)
	m.link("/sys/class/block/"+name, "../../"+rel)
	if disk == "" {
		m.link("/sys/block/"+name, "../"+rel)
	}
	return "/sys/" + rel
}

// link makes the symlink p (a path on the machine) to target.
func (m *fakeMachine) link(p, target string) {
	m.t.Helper()
	full := filepath.Join(m.root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.Symlink(target, full); err != nil {
		m.t.Fatal(err)
	}
}
