package systems

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/firmwright/firmwright/fwup/conf"
)

// Region is one area of a system's disk layout, in 512-byte blocks.
type Region struct {
	// Name is the variable stem the layout uses: BOOT_A, ROOTFS_B, APP.
	Name string
	// Device is the Linux partition name ("p5"), or "" for areas
	// outside the partition table (the U-Boot environment).
	Device        string
	Offset, Count int64
	Type          int64
	Expand, Boot  bool
	// Tables are the MBRs of the fwup.conf that place the partition (a
	// layout that swaps tables between slots has two); none for areas
	// outside them.
	Tables []string
}

// Layout reads the disk layout of the system's fwup.conf: the partitions
// of every MBR it has (each once, with the tables that place it) and the
// U-Boot environment, in offset order. defines win over the config's
// define()s, as in a build.
func (s *System) Layout(defines map[string]string) ([]Region, error) {
	tmp, err := os.MkdirTemp("", "firmwright-layout-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	sysDir, cfgDir, err := s.Materialize(tmp)
	if err != nil {
		return nil, err
	}
	bootDir := filepath.Join(tmp, "boot")
	if err := writeEmptyBootConf(bootDir); err != nil {
		return nil, err
	}
	env := map[string]string{"FIRMWRIGHT_SYSTEM": sysDir, "FIRMWRIGHT_CONFIGS": cfgDir, "NERVES_SDK_IMAGES": filepath.Join(tmp, "images"),
		"FIRMWRIGHT_BOOT_FILES": bootDir}
	for k, v := range defines {
		env[k] = v
	}
	path := filepath.Join(sysDir, "fwup.conf")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	root, err := conf.Parse(path, sysDir, data, conf.Options{Env: env})
	if err != nil {
		return nil, err
	}
	nameOf := func(off int64) string {
		if name := PartitionName(env, off); name != "" {
			return name
		}
		return "?"
	}
	var regions []Region
	if env["UBOOT_ENV_OFFSET"] != "" {
		off, _ := conf.ParseInt(env["UBOOT_ENV_OFFSET"])
		count, _ := conf.ParseInt(env["UBOOT_ENV_COUNT"])
		regions = append(regions, Region{Name: "UBOOT_ENV", Offset: off, Count: count})
	}
	// The first table is the layout a new card gets; the device names
	// are its, or a later table's for what it does not place.
	seen := map[int64]int{} // offset → index in regions
	for _, m := range root.Sections("mbr") {
		for _, p := range m.Sections("partition") {
			off := p.Int("block-offset")
			if i, ok := seen[off]; ok {
				regions[i].Tables = append(regions[i].Tables, m.Title)
				continue
			}
			var idx int
			fmt.Sscan(p.Title, &idx)
			r := Region{Name: nameOf(off), Device: fmt.Sprintf("p%d", idx+1), Offset: off,
				Count: p.Int("block-count"), Type: p.Int("type"), Expand: p.Bool("expand"), Boot: p.Bool("boot"), Tables: []string{m.Title}}
			if !p.Has("block-count") {
				r.Count = 0 // an extended partition: sized below
			}
			seen[off] = len(regions)
			regions = append(regions, r)
		}
	}
	// An extended partition's size is whatever its logical partitions span.
	var end int64
	for _, r := range regions {
		end = max(end, r.Offset+r.Count)
	}
	for i, r := range regions {
		if (r.Type == 0x0f || r.Type == 0x05) && r.Count == 0 {
			regions[i].Count = end - r.Offset
		}
	}
	sort.SliceStable(regions, func(i, j int) bool { return regions[i].Offset < regions[j].Offset })
	return regions, nil
}

// PartitionName is the layout's name for the partition at a block
// offset: the stem of the variable NAME_PART_OFFSET whose value it is
// (BOOT_A, ROOTFS_B), the first in name order, or "".
func PartitionName(vars map[string]string, offset int64) string {
	var names []string
	for k, v := range vars {
		if n, err := conf.ParseInt(v); err == nil && n == offset && strings.HasSuffix(k, "_PART_OFFSET") {
			names = append(names, strings.TrimSuffix(k, "_PART_OFFSET"))
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}
