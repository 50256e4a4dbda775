package apply

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/fat"
)

// FATReplay is a dry run of a task's FAT actions, through the same action
// functions and FAT code an apply uses, on a sparse in-memory disk: the
// builder's check that boot files fit their partitions before any work.
type FATReplay struct {
	// Config is the parsed fwup.conf (or meta.conf).
	Config *conf.Section
	// Task is the task's exact name.
	Task string
	// Sizes gives each resource's length; its contents are taken as
	// zeros, which is all the FAT layout depends on.
	Sizes map[string]int64
	// MkfsCount, when set, replaces fat_mkfs's block count for the
	// filesystem at a block offset (to try other partition sizes).
	MkfsCount func(offset, count int64) int64
}

// FATError is the FAT action of a replay that failed.
type FATError struct {
	// Offset is the block offset of the FAT filesystem it worked on.
	Offset int64
	// Call is the call as fwup.conf spells it: fat_write(63, "zImage").
	Call string
	Err  error
}

func (e *FATError) Error() string { return fmt.Sprintf("%s: %v", e.Call, e.Err) }
func (e *FATError) Unwrap() error { return e.Err }

// Run replays the task's on-init, on-resource (in the order the
// resources are declared) and on-finish FAT actions. It returns nil when
// there is no such task, else the first failing action as a *FATError
// (errors.Is(err, fat.ErrNoSpace) when a filesystem is too small).
func (r FATReplay) Run() error {
	task := r.Config.Find("task", r.Task)
	if task == nil {
		return nil
	}
	e := &engine{cfg: r.Config, task: task, replay: &r}
	e.cache = NewCache(&Memory{}, CacheOptions{})
	e.fat = fat.NewVolumes(e.cache)
	defer e.fat.Close()
	handlers := []*conf.Section{task.Handler("on-init")}
	for _, res := range r.Config.Sections("file-resource") {
		handlers = append(handlers, task.Find("on-resource", res.Title))
	}
	handlers = append(handlers, task.Handler("on-finish"))
	for _, h := range handlers {
		if err := e.handle(h, (*engine).replayCall); err != nil {
			return err
		}
	}
	return nil
}

// replayCall runs a FAT action of a replay.
func (e *engine) replayCall(argv []string) error {
	if !strings.HasPrefix(argv[0], "fat_") {
		return nil
	}
	a, err := validCall(ContextOf(e.event), argv)
	if err != nil {
		return nil // create reports it, in fwup's words
	}
	off := int64(ull(argv[1]))
	if argv[0] == "fat_mkfs" && e.replay.MkfsCount != nil {
		argv = append([]string(nil), argv...)
		argv[2] = strconv.FormatInt(e.replay.MkfsCount(off, int64(ull(argv[2]))), 10)
	}
	if err := a.run(e, argv); err != nil {
		return &FATError{Offset: off, Call: formatCall(argv), Err: err}
	}
	return nil
}

func formatCall(argv []string) string {
	args := make([]string, len(argv)-1)
	for i, a := range argv[1:] {
		if _, err := strconv.ParseInt(a, 0, 64); err == nil {
			args[i] = a
		} else {
			args[i] = strconv.Quote(a)
		}
	}
	return argv[0] + "(" + strings.Join(args, ", ") + ")"
}

// replayConsume feeds a consuming action the zeros a replay takes for
// its resource's contents.
func (e *engine) replayConsume(write func(p []byte, off int64) error) error {
	zeros := make([]byte, 1<<20)
	size := e.replay.Sizes[e.event.Title]
	for off := int64(0); off < size; off += int64(len(zeros)) {
		if err := write(zeros[:min(int64(len(zeros)), size-off)], off); err != nil {
			return err
		}
	}
	return nil
}
