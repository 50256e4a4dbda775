package builder

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/fat"
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

// errNoFit is a FAT action that failed, with where.
type errNoFit struct {
	offset int64
	err    error
}

func (e *errNoFit) Error() string { return e.err.Error() }

// run replays the FAT actions of the complete task.
func (p *fatPlan) run() error {
	task := p.cfg.root.Find("task", "complete")
	if task == nil {
		return nil
	}
	v := fat.NewVolumes(newSparseDisk())
	var handlers []*conf.Section
	if h := task.Handler("on-init"); h != nil {
		handlers = append(handlers, h)
	}
	for _, res := range p.cfg.root.Sections("file-resource") {
		if h := task.Find("on-resource", res.Title); h != nil {
			handlers = append(handlers, h)
		}
	}
	if h := task.Handler("on-finish"); h != nil {
		handlers = append(handlers, h)
	}
	for _, h := range handlers {
		for _, c := range h.Calls {
			if err := p.call(v, h.Title, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *fatPlan) call(v *fat.Volumes, resource string, c conf.Call) error {
	if !strings.HasPrefix(c.Name, "fat_") || len(c.Args) < 1 {
		return nil
	}
	off, err := conf.ParseInt(c.Args[0])
	if err != nil {
		return nil // fwup's own checks report it at create time
	}
	arg := func(i int) string {
		if i < len(c.Args) {
			return c.Args[i]
		}
		return ""
	}
	fail := func(err error) error {
		if err == nil {
			return nil
		}
		return &errNoFit{offset: off, err: fmt.Errorf("%s: %w", c, err)}
	}
	switch c.Name {
	case "fat_mkfs":
		count, _ := conf.ParseInt(arg(1))
		if n, ok := p.counts[off]; ok {
			count = n
		}
		return fail(v.Mkfs(off, count))
	case "fat_mkdir":
		return fail(v.Mkdir(off, arg(1)))
	case "fat_touch":
		return fail(v.Touch(off, arg(1)))
	case "fat_setlabel":
		return fail(v.SetLabel(off, arg(1)))
	case "fat_cp":
		if len(c.Args) == 4 {
			to, _ := conf.ParseInt(arg(2))
			return fail(v.Copy(off, arg(1), to, arg(3)))
		}
		return fail(v.Copy(off, arg(1), off, arg(2)))
	case "fat_write":
		name := arg(1)
		if name == "" {
			name = resource
		}
		if err := v.Truncate(off, name); err != nil {
			return fail(err)
		}
		zeros := make([]byte, 1<<20)
		for at, size := int64(0), p.sizes[resource]; at < size; at += int64(len(zeros)) {
			n := min(int64(len(zeros)), size-at)
			if err := v.PWrite(off, name, at, zeros[:n]); err != nil {
				return fail(err)
			}
		}
	}
	return nil
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
	nf, ok := err.(*errNoFit)
	if !ok {
		return nil
	}
	return bootFitError(p, nf, kernelHint)
}

func bootFitError(p *fatPlan, nf *errNoFit, kernelHint string) error {
	cfg := p.cfg
	count := p.cfg.partitionCount(nf.offset)
	name := strings.TrimSuffix(cfg.varFor(nf.offset, "_PART_OFFSET"), "_PART_OFFSET")
	countVar := name + "_PART_COUNT"
	label := fatLabel(cfg, nf.offset)
	if label == "" {
		label = fmt.Sprintf("the FAT partition at block %d", nf.offset)
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
		if h == nil || !writesTo(h, nf.offset) {
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
		label, humanSize(total), countVar, count, humanSize(count*512), nf.err, strings.Join(descs, ", "))
	or := "Either"
	if kernelHint != "" {
		fmt.Fprintf(&b, "\n  Either %s", kernelHint)
		or = "Or"
	}
	if need := p.smallestFit(nf.offset, count); need > 0 && name != "" {
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

// sparseDisk is a disk in memory that keeps only pages holding something
// other than zeros.
type sparseDisk struct{ pages map[int64][]byte }

const sparsePage = 4096

func newSparseDisk() *sparseDisk { return &sparseDisk{pages: map[int64][]byte{}} }

func (d *sparseDisk) ReadAt(p []byte, off int64) (int, error) {
	for n := 0; n < len(p); {
		pg, in := (off+int64(n))/sparsePage, int((off+int64(n))%sparsePage)
		k := min(len(p)-n, sparsePage-in)
		if page, ok := d.pages[pg]; ok {
			copy(p[n:n+k], page[in:])
		} else {
			clear(p[n : n+k])
		}
		n += k
	}
	return len(p), nil
}

func (d *sparseDisk) WriteAt(p []byte, off int64) (int, error) {
	for n := 0; n < len(p); {
		pg, in := (off+int64(n))/sparsePage, int((off+int64(n))%sparsePage)
		k := min(len(p)-n, sparsePage-in)
		page, ok := d.pages[pg]
		if !ok {
			if allZero(p[n : n+k]) {
				n += k
				continue
			}
			page = make([]byte, sparsePage)
			d.pages[pg] = page
		}
		copy(page[in:], p[n:n+k])
		n += k
	}
	return len(p), nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
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
