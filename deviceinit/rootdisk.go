package deviceinit

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// partition is a block device in /sys/block/<disk>/.
type partition struct {
	name, dev string
	num       int
}

// linkRootdisk makes /dev/rootdisk0 a link to the disk that holds / and
// /dev/rootdisk0pN links to its partitions, as erlinit does: Nerves'
// runtime tools (fwup's ops.fw tasks among them) name the boot disk so.
// Nothing is done when / is not on a disk partition or the links exist.
func (r *initRun) linkRootdisk() {
	if _, err := r.sys.Lstat("/dev/rootdisk0"); err == nil {
		return
	}
	root, err := r.sys.DeviceNumber("/")
	if err != nil {
		return
	}
	disks, _ := r.sys.ReadDir("/sys/block")
	for _, d := range disks {
		parts := r.partitions(d.Name())
		if !slices.ContainsFunc(parts, func(p partition) bool { return p.dev == root }) {
			continue
		}
		r.symlink("/dev/"+d.Name(), "/dev/rootdisk0")
		for _, p := range parts {
			r.symlink("/dev/"+p.name, fmt.Sprintf("/dev/rootdisk0p%d", p.num))
		}
		return
	}
}

// partitions lists a disk's partitions: the entries of its sysfs
// directory with a dev and a partition number.
func (r *initRun) partitions(disk string) []partition {
	base := path.Join("/sys/block", disk)
	entries, _ := r.sys.ReadDir(base)
	var out []partition
	for _, e := range entries {
		dev := r.readLine(path.Join(base, e.Name(), "dev"))
		num, err := strconv.Atoi(r.readLine(path.Join(base, e.Name(), "partition")))
		if dev != "" && err == nil && num > 0 {
			out = append(out, partition{e.Name(), dev, num})
		}
	}
	return out
}

// readLine returns a file's first line without surrounding white space,
// "" if it cannot be read.
func (r *initRun) readLine(name string) string {
	data, err := r.sys.ReadFile(name)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}

func (r *initRun) symlink(target, link string) {
	if err := r.sys.Symlink(target, link); err != nil {
		r.logf("cannot link %s to %s: %v", link, target, err)
	}
}
