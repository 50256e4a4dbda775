package fwup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/fwup/vcdiff"
)

// A delta update is the new firmware's archive with some resources
// replaced by xdelta3 (VCDIFF) patches against the old firmware's: what
// mix firmware.patch and NervesHub send. meta.conf and its signature are
// the new firmware's, untouched, so a signed archive stays signed; a
// device applies a patch where its upgrade task names the patch's source
// (delta-source-* keys, the other slot), and checks the patched result
// against meta.conf as it would a full resource.

// PatchOptions shape Patch.
type PatchOptions struct {
	// TempDir holds the resources while they are patched (a resource at a
	// time of each archive, and its patch).
	TempDir string
	// Report, when set, hears of each resource that could be patched.
	Report func(PatchedResource)
	// Now, when set, times each resource for Report.
	Now func() time.Time
}

// PatchedResource is what Patch did with one resource.
type PatchedResource struct {
	Name string
	// Old and New are the resource's lengths in each firmware; Patch is
	// the patch's, when it was kept.
	Old, New, Patch int64
	// Patched is false when the patch was not smaller than the resource
	// itself, which then stays whole.
	Patched bool
	Took    time.Duration
}

// ErrNothingToPatch is the refusal of a pair Patch cannot make a delta of.
var ErrNothingToPatch = errors.New("nothing to patch")

// Patch writes to w the delta update that takes a device from the
// firmware old to the firmware nu: every resource of nu that a task of nu
// gives delta-source keys, and that old also has, is encoded against old's
// and replaced by its patch when the patch is smaller (decoded first and
// checked against nu's meta.conf). Every other entry is kept, in order,
// meta.conf first. A window of a patch refers to at most nu's
// block-cache-size-mb of source, so a device's block cache is not
// thrashed.
func Patch(w io.Writer, old, nu io.ReaderAt, oldSize, nuSize int64, opts PatchOptions) error {
	oldMeta, err := meta.Read(archive.NewReader(io.NewSectionReader(old, 0, oldSize)), "old", nil, map[string]string{})
	if err != nil {
		return fmt.Errorf("old: %w", err)
	}
	newMeta, err := meta.Read(archive.NewReader(io.NewSectionReader(nu, 0, nuSize)), "new", nil, map[string]string{})
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	if err := checkPatchPair(oldMeta, newMeta); err != nil {
		return err
	}
	wanted, err := patchable(oldMeta.Config, newMeta.Config)
	if err != nil {
		return err
	}
	sources, err := spoolResources(io.NewSectionReader(old, 0, oldSize), wanted, opts.TempDir)
	defer removeAll(sources)
	if err != nil {
		return fmt.Errorf("old: %w", err)
	}
	p := &patcher{opts: opts, newConf: newMeta.Config, sources: sources,
		window: newMeta.Config.Int("block-cache-size-mb") << 20}
	return p.write(w, io.NewSectionReader(nu, 0, nuSize))
}

// checkPatchPair refuses a delta between firmware for different devices,
// or of a firmware to itself.
func checkPatchPair(old, nu *meta.Meta) error {
	for _, k := range []string{"meta-platform", "meta-architecture"} {
		o, _ := old.Value(k)
		n, _ := nu.Value(k)
		if o != n {
			return fmt.Errorf("%w: the old firmware is for %s %q, the new one for %q", ErrNothingToPatch, strings.TrimPrefix(k, "meta-"), o, n)
		}
	}
	if old.UUID == nu.UUID {
		return fmt.Errorf("%w: the old and new firmware are the same (meta-uuid %s)", ErrNothingToPatch, nu.UUID)
	}
	return nil
}

// patchable lists the resources of nu that a task gives a delta source
// and old has, unsparse in both.
func patchable(old, nu *conf.Section) (map[string]bool, error) {
	wanted := map[string]bool{}
	var writers []string
	for _, task := range nu.Sections("task") {
		for _, h := range task.Sections("on-resource") {
			if hasDeltaSource(h) {
				if o, n := old.Find("file-resource", h.Title), nu.Find("file-resource", h.Title); o != nil && n != nil &&
					len(meta.MapOf(o)) <= 1 && len(meta.MapOf(n)) <= 1 {
					wanted[h.Title] = true
				}
			} else if strings.HasPrefix(task.Title, "upgrade") && writesResource(h) {
				writers = append(writers, fmt.Sprintf("task %s's on-resource %s", task.Title, h.Title))
			}
		}
	}
	if len(wanted) > 0 {
		return wanted, nil
	}
	if len(writers) == 0 {
		return nil, fmt.Errorf("%w: no task of the new firmware gives a resource a delta source", ErrNothingToPatch)
	}
	return nil, fmt.Errorf("%w: the new firmware's upgrade tasks give no resource a delta source: %s would need delta-source-raw-offset and -count (or delta-source-fat-offset and -path)",
		ErrNothingToPatch, strings.Join(writers, ", "))
}

// hasDeltaSource is fwup's test of an on-resource handler for a patch's
// source.
func hasDeltaSource(h *conf.Section) bool {
	return h.Has("delta-source-raw-offset") && h.Int("delta-source-raw-count") > 0 ||
		h.Has("delta-source-fat-offset") && h.Has("delta-source-fat-path")
}

func writesResource(h *conf.Section) bool {
	for _, c := range h.Calls {
		if c.Name == "raw_write" || c.Name == "fat_write" {
			return true
		}
	}
	return false
}

// spoolResources copies the wanted resources of an archive into temporary
// files, by resource name.
func spoolResources(r io.Reader, wanted map[string]bool, dir string) (map[string]*os.File, error) {
	files := map[string]*os.File{}
	zr := archive.NewReader(r)
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return files, err
		}
		name := meta.ResourceName(h.Name)
		if !wanted[name] || files[name] != nil {
			continue
		}
		f, err := os.CreateTemp(dir, "firmwright-patch-*")
		if err != nil {
			return files, err
		}
		files[name] = f
		if _, err := io.Copy(f, zr); err != nil {
			return files, fmt.Errorf("%s: %w", name, err)
		}
	}
}

func removeAll(files map[string]*os.File) {
	for _, f := range files {
		f.Close()
		os.Remove(f.Name())
	}
}

// patcher rewrites the new archive with patches.
type patcher struct {
	opts    PatchOptions
	newConf *conf.Section
	sources map[string]*os.File
	window  int64
}

func (p *patcher) write(w io.Writer, nu io.Reader) error {
	zr := archive.NewReader(nu)
	zw := archive.NewWriter(w)
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return zw.Close()
		}
		if err != nil {
			return fmt.Errorf("new: %w", err)
		}
		if err := p.entry(zw, zr, h); err != nil {
			return err
		}
	}
}

// entry writes one entry of the new archive: the signature and meta.conf
// as they are, a patchable resource as its patch, anything else again.
func (p *patcher) entry(zw *archive.Writer, zr *archive.Reader, h *archive.Header) error {
	switch h.Name {
	case meta.SignatureName:
		sig, err := meta.ReadEntry(zr, 1024)
		if err != nil {
			return err
		}
		return zw.WriteStored(archive.Entry{Name: h.Name}, sig)
	case meta.MetaConfName:
		conf, err := meta.ReadEntry(zr, meta.MaxConfSize)
		if err != nil {
			return err
		}
		return writeMeta(zw, conf, h.Modified, ourDeflate(1))
	}
	name := meta.ResourceName(h.Name)
	src := p.sources[name]
	if src == nil {
		return copyEntry(zw, zr, h, p.opts.TempDir, ourDeflate(runtime.GOMAXPROCS(0)))
	}
	return p.patchEntry(zw, zr, h, name, src)
}

// patchEntry writes a resource as its patch against src, or whole when
// the patch is no smaller.
func (p *patcher) patchEntry(zw *archive.Writer, zr *archive.Reader, h *archive.Header, name string, src *os.File) error {
	start := p.now()
	target, err := spool(zr, p.opts.TempDir)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer os.Remove(target.Name())
	defer target.Close()
	patch, err := p.encode(name, src, target)
	if err != nil {
		return err
	}
	defer os.Remove(patch.Name())
	defer patch.Close()
	res := PatchedResource{Name: name, Old: fileSize(src), New: fileSize(target), Patch: fileSize(patch)}
	whole, known := h.CompressedSize()
	if !known {
		whole = res.New
	}
	res.Patched = res.Patch < whole
	keep := target
	if res.Patched {
		keep = patch
	} else {
		res.Patch = 0
	}
	if _, err := keep.Seek(0, io.SeekStart); err != nil {
		return err
	}
	err = zw.WriteDeflated(archive.Entry{Name: h.Name}, fileSize(keep), func(dst io.Writer) (archive.Deflated, error) {
		return ourDeflate(runtime.GOMAXPROCS(0))(dst, keep)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	res.Took = p.now().Sub(start)
	if p.opts.Report != nil {
		p.opts.Report(res)
	}
	return nil
}

// encode makes the patch of target against src and checks that it
// decodes to what meta.conf says the resource is.
func (p *patcher) encode(name string, src, target *os.File) (*os.File, error) {
	patch, err := os.CreateTemp(p.opts.TempDir, "firmwright-patch-*")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*os.File, error) {
		patch.Close()
		os.Remove(patch.Name())
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := target.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	err = vcdiff.Encode(patch, src, fileSize(src), target, vcdiff.EncodeOptions{SourceWindow: p.window})
	if err != nil {
		return fail(err)
	}
	if _, err := patch.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	sec := p.newConf.Find("file-resource", name)
	hc := newHashCheck(vcdiff.NewReader(patch, src, fileSize(src)))
	n, err := io.Copy(io.Discard, hc)
	switch {
	case err != nil:
		return fail(fmt.Errorf("the patch does not decode: %w", err))
	case n != meta.MapOf(sec).DataSize() || hc.sum() != sec.String("blake2b-256"):
		return fail(errors.New("the patch does not decode to the new resource (firmwright bug)"))
	}
	return patch, nil
}

func (p *patcher) now() time.Time {
	if p.opts.Now == nil {
		return time.Time{}
	}
	return p.opts.Now()
}

// spool copies the current entry into a temporary file.
func spool(r io.Reader, dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, "firmwright-patch-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

func fileSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	return st.Size()
}

// patchInfo says that a resource of an archive is a patch, and what each
// task that takes it patches it against.
type patchInfo struct {
	Resource string
	// Size is the patch's length in the archive.
	Size int64
	// Sources describe the delta source each task that can apply it
	// names, e.g. "upgrade.a: blocks 382746+272666".
	Sources []string
}

// patchesOf lists the resources among the entries zr has still to read
// (its meta.conf being cfg) that are xdelta3 patches, by fwup's rule: one
// run, an entry size that is not meta.conf's length.
func patchesOf(zr *archive.Reader, cfg *conf.Section) ([]patchInfo, error) {
	var out []patchInfo
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		name := meta.ResourceName(h.Name)
		sec := cfg.Find("file-resource", name)
		if name == "" || sec == nil {
			continue
		}
		if m := meta.MapOf(sec); len(m) == 1 && h.SizeKnown && h.Size != m[0] {
			out = append(out, patchInfo{Resource: name, Size: h.Size, Sources: deltaSources(cfg, name)})
		}
	}
}

// deltaSources describes the delta source of each task's handler of a
// resource.
func deltaSources(cfg *conf.Section, name string) []string {
	var out []string
	for _, task := range cfg.Sections("task") {
		h := task.Find("on-resource", name)
		switch {
		case h == nil:
		case h.Has("delta-source-raw-offset") && h.Int("delta-source-raw-count") > 0:
			out = append(out, fmt.Sprintf("%s: blocks %s+%d", task.Title, h.String("delta-source-raw-offset"), h.Int("delta-source-raw-count")))
		case h.Has("delta-source-fat-offset") && h.Has("delta-source-fat-path"):
			out = append(out, fmt.Sprintf("%s: %s of the FAT at block %s", task.Title, h.String("delta-source-fat-path"), h.String("delta-source-fat-offset")))
		}
	}
	return out
}
