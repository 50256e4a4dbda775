package builder

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/fat"
	"github.com/firmwright/firmwright/systems"
)

// The boot partitions are FAT filesystems that fwup makes and fills while
// applying. Whether the boot files fit depends on FatFs's geometry and
// allocation, so the check runs the FAT actions of the complete task
// against a sparse in-memory disk, with zeros for file contents. That is
// exact, cheap (only metadata is kept) and catches a too-big kernel before
// the rootfs is built rather than when the image is made.

// fatPlan is what checkBootFit needs to know: sizes of resources, and the
// fat_mkfs counts to try instead of the config's.
type fatPlan struct {
	cfg   *fwupConfig
	sizes map[string]int64
	// counts overrides fat_mkfs block counts by block offset.
	counts map[int64]int64
}

// run replays the complete task's FAT actions with apply's own.
func (p *fatPlan) run() error {
	return apply.FATReplay{Config: p.cfg.root, Task: "complete", Sizes: p.sizes,
		MkfsCount: func(off, count int64) int64 {
			if n, ok := p.counts[off]; ok {
				return n
			}
			return count
		}}.Run()
}

// checkBootFit fails, saying what to change, when the complete task's
// files do not fit their FAT partitions.
func checkBootFit(cfg *fwupConfig, kernelHint string) error {
	sizes := map[string]int64{}
	for _, res := range cfg.root.Sections("file-resource") {
		switch {
		case res.Has("host-path"):
			if fi, err := os.Stat(res.String("host-path")); err == nil {
				sizes[res.Title] = fi.Size()
			}
		case res.Has("contents"):
			sizes[res.Title] = int64(len(res.String("contents")))
		}
	}
	p := &fatPlan{cfg: cfg, sizes: sizes, counts: map[int64]int64{}}
	err := p.run()
	var nf *apply.FATError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &nf):
		return err
	case !errors.Is(err, fat.ErrNoSpace):
		return fmt.Errorf("the complete task's %s would fail when the card is made: %v", nf.Call, nf.Err)
	}
	return bootFitError(p, nf, kernelHint)
}

func bootFitError(p *fatPlan, nf *apply.FATError, kernelHint string) error {
	cfg := p.cfg
	count := p.cfg.partitionCount(nf.Offset)
	name := systems.PartitionName(cfg.vars, nf.Offset)
	countVar := name + "_PART_COUNT"
	label := fatLabel(cfg, nf.Offset)
	if label == "" {
		label = fmt.Sprintf("the FAT partition at block %d", nf.Offset)
	}
	// What goes there, largest first.
	type file struct {
		desc string
		size int64
	}
	var files []file
	var total int64
	task := cfg.root.Find("task", "complete")
	images := cfg.env["NERVES_SDK_IMAGES"]
	for _, res := range cfg.root.Sections("file-resource") {
		h := task.Find("on-resource", res.Title)
		if h == nil || !writesTo(h, nf.Offset) {
			continue
		}
		size := p.sizes[res.Title]
		total += size
		desc := res.Title + " " + humanSize(size)
		if hp := res.String("host-path"); images != "" && strings.HasPrefix(hp, images+"/") {
			desc += " (images/" + strings.TrimPrefix(hp, images+"/") + ")"
		}
		files = append(files, file{desc, size})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].size > files[j].size })
	descs := make([]string, len(files))
	for i, f := range files {
		descs[i] = f.desc
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s is too small for its files: they take %s, and %s = %d blocks holds %s (fwup would fail: %v).\n  Files: %s",
		label, humanSize(total), countVar, count, humanSize(count*512), nf, strings.Join(descs, ", "))
	or := "Either"
	if kernelHint != "" {
		fmt.Fprintf(&b, "\n  Either %s", kernelHint)
		or = "Or"
	}
	if need := p.smallestFit(nf.Offset, count); need > 0 && name != "" {
		fmt.Fprintf(&b, "\n  %s make the partition larger: --define %s=%d or more (the partitions after it move with it, so cards made with the old layout need a complete burn, not an upgrade).", or, countVar, need)
	}
	return fmt.Errorf("%s", b.String())
}

// fatLabel is the label the complete task gives the FAT at offset.
func fatLabel(cfg *fwupConfig, offset int64) string {
	task := cfg.root.Find("task", "complete")
	if task == nil || task.Handler("on-init") == nil {
		return ""
	}
	for _, c := range task.Handler("on-init").Calls {
		if c.Name == "fat_setlabel" && len(c.Args) == 2 && c.Args[0] == fmt.Sprint(offset) {
			return c.Args[1]
		}
	}
	return ""
}

func humanSize(n int64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f kB", float64(n)/1e3)
}

// smallestFit finds, to 2048 blocks, the smallest partition size at
// offset that holds the files; 0 if even 16 times the size does not.
func (p *fatPlan) smallestFit(offset, count int64) int64 {
	fits := func(n int64) bool {
		p.counts[offset] = n
		defer delete(p.counts, offset)
		return p.run() == nil
	}
	lo, hi := count, count*16
	if !fits(hi) {
		return 0
	}
	for hi-lo > 2048 {
		mid := lo + (hi-lo)/2
		if fits(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (hi + 2047) / 2048 * 2048
}

// writesTo reports whether a handler puts a file on the FAT at offset.
func writesTo(h *conf.Section, offset int64) bool {
	at := fmt.Sprint(offset)
	for _, c := range h.Calls {
		switch {
		case c.Name == "fat_write" && len(c.Args) > 0 && c.Args[0] == at:
			return true
		case c.Name == "fat_cp" && len(c.Args) == 4 && c.Args[2] == at:
			return true
		}
	}
	return false
}
