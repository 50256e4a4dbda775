package apply

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/fat"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/fwup/vcdiff"
)

// BlockSize is fwup's block: offsets and counts in configs are in blocks.
const BlockSize = 512

// Options are everything an apply run takes from outside the archive.
type Options struct {
	// Task is the task name, or a prefix of it (fwup's -t).
	Task string
	// Input names the archive in messages ("" for stdin).
	Input string
	// PublicKeys, when any are given, must include the archive's signer.
	PublicKeys []ed25519.PublicKey
	// Env is the environment meta.conf's deferred ${…} are expanded from.
	Env map[string]string
	// Cache describes the target; block-cache-size-mb comes from the
	// archive.
	Cache CacheOptions
	// Unsafe allows the actions and requirements that reach outside the
	// target (execute, path_write, pipe_write, require-execute).
	Unsafe bool
	// Verbose adds fwup's INFO lines (requirement results).
	Verbose bool
	// RebootParamPath is where reboot_param writes; "" tries fwup's
	// /run/systemd/reboot-param, then /run/reboot-param.
	RebootParamPath string
	// Progress, if set, receives progress.
	Progress *Progress
	// Info receives the messages fwup prints with "fwup: " as warnings:
	// info() actions and, when Verbose, requirement results.
	Info func(msg string)
	// Host answers the requirements about the running system. Nil means
	// they are not met.
	Host Host
	// Unmet, if set, hears of each task passed over and the requirement
	// (require-path-at-offset, …) that it did not meet.
	Unmet func(task, requirement string)
}

// Host is the running system, for the requirements and actions that look
// beyond the target.
type Host interface {
	// PathOnDevice reports whether path lives on the block device.
	PathOnDevice(path, device string) bool
	// PathAtOffset reports whether path lives on a partition starting at
	// the block offset of its disk.
	PathAtOffset(path string, blockOffset int64) bool
	// Run runs a shell command and returns its wait status as C's
	// system() does: 0 for success, the exit code times 256 otherwise
	// (execute(), require-execute).
	Run(command string) (int, error)
	// Pipe runs a shell command with r as its standard input
	// (pipe_write).
	Pipe(command string, r io.Reader) error
	// WriteFile creates or truncates a host file (path_write,
	// reboot_param).
	WriteFile(path string) (io.WriteCloser, error)
	// UpdateUBIVolume starts an atomic update of the UBI volume at path
	// to size bytes (Linux's UBI_IOCVOLUP: UBI volumes take neither
	// pwrite nor seeks). Exactly size bytes must then be written in
	// order; Close commits them, or leaves the volume marked corrupt
	// when fewer came (ubi_volume_write).
	UpdateUBIVolume(path string, size int64) (io.WriteCloser, error)
}

// handlerKind is where the running handler sits in a task.
type handlerKind int

const (
	onInit handlerKind = iota
	onResource
	onFinish
	onError
)

// engine is one apply run.
type engine struct {
	opts  Options
	meta  *meta.Meta
	cfg   *conf.Section
	task  *conf.Section
	cache *Cache
	fat   *fat.Volumes
	prog  *Progress
	kind  handlerKind
	event *conf.Section // the handler running
	data  *resourceData // the resource an on-resource handler consumes
	zr    *archive.Reader
	// replay, when set, is a dry run of FAT actions (FATReplay).
	replay *FATReplay
	// index, when set, is the signed chunk index (chunks.go).
	index *chunkindex.Index
}

// Run applies the archive read from r to t. Nothing is written to t before
// the signature (when keys are given) and meta.conf have been checked.
// Errors carry fwup's messages; archive format errors wrap
// archive.ErrFormat.
func Run(r io.Reader, t Target, opts Options) error {
	e := &engine{opts: opts, prog: opts.Progress}
	e.prog.add(0)
	in := &countingReader{r: r, p: e.prog}
	e.zr = archive.NewReader(in)
	// Inflating and CRC-checking on a goroutine of their own overlap
	// with hashing (hashpipe) and writing.
	e.zr.Prefetch()
	defer e.zr.Close()
	m, err := meta.ReadForApply(e.zr, opts.Input, opts.PublicKeys, opts.Env)
	if err != nil {
		return err
	}
	e.meta, e.cfg = m, m.Config
	if err := e.loadChunkIndex(); err != nil {
		return err
	}
	copts := opts.Cache
	copts.SizeMB = int(e.cfg.Int("block-cache-size-mb"))
	copts.Warn = func(msg string) { e.warn("%s", msg) }
	e.cache = NewCache(t, copts)
	e.fat = fat.NewVolumes(e.cache)

	e.task = e.findTask(opts.Task)
	if e.task == nil {
		e.fat.Close()
		e.cache.Flush()
		return fmt.Errorf("Couldn't find applicable task '%s'. If task is available, the task's requirements may not be met.", opts.Task)
	}
	if err := e.computeProgress(); err != nil {
		return e.finish(err)
	}
	if err := e.runTask(); err != nil {
		return e.finish(err)
	}
	e.fat.Close() // void in fwup: a failure shows when the cache is flushed
	if err := e.cache.Flush(); err != nil {
		return e.finish(err)
	}
	e.prog.complete()
	return nil
}

// finish is fwup's cleanup after a failure: whatever on-error left is
// flushed, errors there ignored.
func (e *engine) finish(err error) error {
	e.fat.Close()
	e.cache.Flush()
	return err
}

// findTask returns the first task in file order whose name starts with
// prefix and whose requirements hold.
func (e *engine) findTask(prefix string) *conf.Section {
	for _, t := range e.cfg.Sections("task") {
		if strings.HasPrefix(t.Title, prefix) &&
			e.legacyRequirementsMet(t) && e.requirementsMet(t) {
			return t
		}
	}
	return nil
}

func (e *engine) computeProgress() error {
	e.kind = onInit
	if err := e.handle(e.task.Handler("on-init"), (*engine).callProgress); err != nil {
		return err
	}
	e.kind = onResource
	for _, h := range e.task.Sections("on-resource") {
		if e.cfg.Find("file-resource", h.Title) == nil {
			e.info("Can't find file-resource for %s", h.Title)
			continue
		}
		if err := e.handle(h, (*engine).callProgress); err != nil {
			return err
		}
	}
	e.kind = onFinish
	return e.handle(e.task.Handler("on-finish"), (*engine).callProgress)
}

// runTask runs on-init, the on-resource handlers as their resources come
// out of the archive, and on-finish; on failure, on-error.
func (e *engine) runTask() (err error) {
	defer func() {
		if err != nil {
			e.kind = onError
			e.fat.Close()
			e.cache.Reset()
			if e.handle(e.task.Handler("on-error"), (*engine).callRun) != nil {
				e.fat.Close()
				e.cache.Reset()
			}
		}
	}()
	type pending struct {
		name string
		done bool
	}
	var resources []*pending
	for _, h := range e.task.Sections("on-resource") {
		if e.cfg.Find("file-resource", h.Title) == nil {
			return fmt.Errorf("Resource '%s' used, but metadata is missing. Archive is corrupt.", h.Title)
		}
		resources = append(resources, &pending{name: h.Title})
	}

	e.kind = onInit
	if err := e.handle(e.task.Handler("on-init"), (*engine).callRun); err != nil {
		return err
	}
	e.kind = onResource
	var damage error // why the archive's entries stopped, if not its end
	for {
		h, err := e.zr.Next()
		if err != nil {
			// Like fwup, stop at the first header that cannot be read
			// (the central directory, or damage after the last entry):
			// only a resource still missing makes that an error, and
			// then the damage is its cause.
			if err != io.EOF {
				damage = err
			}
			break
		}
		name := meta.ResourceName(h.Name)
		if name == "" {
			continue
		}
		var item *pending
		for _, p := range resources {
			if p.name == name {
				item = p
			}
		}
		if item == nil {
			continue
		}
		handler := e.task.Find("on-resource", name)
		m := meta.MapOf(e.cfg.Find("file-resource", name))
		if len(m) == 0 {
			m = meta.SparseMap{0}
		}
		if isPatch(m, h.SizeKnown, h.Size) {
			src, size, err := e.patchSource(handler, name, h.Size, m.DataSize())
			if err != nil {
				return err
			}
			patched := patchReader{r: vcdiff.NewReader(e.zr, src, size), resource: name}
			e.data = newPieceData(e.checked(name, patched), m, patchPiece)
		} else {
			e.data = newResourceData(e.checked(name, e.zr), m)
		}
		err = e.handle(handler, (*engine).callRun)
		e.data = nil
		if err != nil {
			return err
		}
		item.done = true
	}
	// fwup keeps its list newest first, so it names the last missing one.
	for i := len(resources) - 1; i >= 0; i-- {
		if !resources[i].done {
			return &MissingResourceError{Resource: resources[i].name, Damage: damage}
		}
	}
	// FAT changes must be on the target before on-finish switches slots.
	e.fat.Close()
	e.kind = onFinish
	return e.handle(e.task.Handler("on-finish"), (*engine).callRun)
}

// handle runs fn for each call of a handler section (nil: none).
func (e *engine) handle(h *conf.Section, fn func(*engine, []string) error) error {
	if h == nil {
		return nil
	}
	e.event = h
	defer func() { e.event = nil }()
	for _, c := range h.Calls {
		argv := append([]string{c.Name}, c.Args...)
		if len(argv) > MaxCallArgs {
			return errors.New("Unexpected argc value in funlist")
		}
		if err := fn(e, argv); err != nil {
			return err
		}
	}
	return nil
}

func (e *engine) callProgress(argv []string) error {
	a, err := validCall(ContextOf(e.event), argv)
	if err != nil {
		return err
	}
	units, err := a.units(e, argv)
	if err != nil {
		return err
	}
	e.prog.addTotal(units)
	return nil
}

func (e *engine) callRun(argv []string) error {
	a, err := validCall(ContextOf(e.event), argv)
	if err != nil {
		return err
	}
	return a.run(e, argv)
}

// MissingResourceError is fwup's failure for a resource the archive did
// not reach. Damage is the archive error that stopped the reading, if
// any; it is not unwrapped, so fwup mode prints fwup's words alone and
// native commands add the cause (builder.ApplyMessage).
type MissingResourceError struct {
	Resource string
	Damage   error
}

func (e *MissingResourceError) Error() string {
	return fmt.Sprintf("Resource %s not found in archive", e.Resource)
}

// info prints an INFO line: only when verbose.
func (e *engine) info(format string, args ...any) {
	if e.opts.Verbose {
		e.warn(format, args...)
	}
}

// warn prints what fwup prints with fwup_warnx.
func (e *engine) warn(format string, args ...any) {
	if e.opts.Info != nil {
		e.opts.Info(fmt.Sprintf(format, args...))
	}
}

// countingReader counts the archive bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	p *Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.addInput(int64(n))
	return n, err
}
