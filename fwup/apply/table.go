package apply

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/cstr"
)

// Context is where a function of fwup.conf may be called: a handler of a
// task (the actions) or the task itself (the requirements).
type Context uint8

const (
	OnInit Context = 1 << iota
	OnFinish
	OnError
	OnResource
	InTask

	// InHandlers is every handler.
	InHandlers = OnInit | OnFinish | OnError | OnResource
)

// ContextOf is the context of calls in a section of fwup.conf (a task or
// one of its handlers), or 0 for any other section.
func ContextOf(sec *conf.Section) Context {
	switch sec.Opt.Name {
	case "task":
		return InTask
	case "on-init":
		return OnInit
	case "on-finish":
		return OnFinish
	case "on-error":
		return OnError
	case "on-resource":
		return OnResource
	}
	return 0
}

// Action is one function of fwup.conf. The table of them is the one place
// each is described: create checks calls against it (Check), and apply
// counts progress (units) and runs them (run, or met for requirements).
type Action struct {
	Name string
	// Contexts are where it may be called; a handler action called
	// elsewhere fails create with "NAME only usable in on-resource".
	Contexts Context
	// MinArgs and MaxArgs bound its arguments (after the name); apply
	// refuses a call outside them rather than index past them.
	MinArgs, MaxArgs int
	// Blocks are the argv positions holding block offsets or counts,
	// and Span says the first two are an offset and a count: apply
	// bounds them (checkBlockArgs) so no byte offset overflows.
	Blocks []int
	Span   bool
	// Check is the rest of fwup's create-time check, with fwup's
	// messages; argv[0] is the name. It may rewrite argv (fat_write's
	// two-argument form).
	Check func(root, sec *conf.Section, argv []string) ([]string, error)

	units func(e *engine, argv []string) (int64, error)
	run   func(e *engine, argv []string) error
	met   func(e *engine, argv []string) bool
}

// MaxCallArgs is fwup's FUN_MAX_ARGS: a function name and 9 arguments.
const MaxCallArgs = 10

// Actions is every function fwup.conf may call, in fwup's table order:
// the handler actions, then the task requirements.
var Actions = []*Action{
	{Name: "raw_memset", Contexts: InHandlers, MinArgs: 3, MaxArgs: 3, Blocks: []int{1, 2}, Span: true, Check: checkRawMemset, units: memsetUnits, run: (*engine).rawMemset},
	{Name: "raw_write", Contexts: OnResource, MinArgs: 1, MaxArgs: 9, Blocks: []int{1}, Check: checkRawWrite, units: dataUnits, run: (*engine).rawWrite},
	{Name: "fat_mkfs", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1, 2}, Span: true, Check: checkFatMkfs, units: oneBlock, run: (*engine).fatMkfs},
	{Name: "fat_attrib", Contexts: InHandlers, MinArgs: 3, MaxArgs: 3, Blocks: []int{1}, Check: checkFatAttrib, units: oneBlock, run: (*engine).fatAttrib},
	{Name: "fat_write", Contexts: OnResource, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: checkFatWrite, units: lengthUnits, run: (*engine).fatWrite},
	{Name: "fat_cp", Contexts: InHandlers, MinArgs: 3, MaxArgs: 4, Blocks: []int{1, 4}, Check: checkFatCp, units: oneBlock, run: (*engine).fatCopy},
	{Name: "fat_mv", Contexts: InHandlers, MinArgs: 3, MaxArgs: 3, Blocks: []int{1}, Check: fatCheck(4, "fat_mv requires a block offset, old filename, new filename", "fat_mv"), units: oneBlock, run: (*engine).fatMove},
	{Name: "fat_mv!", Contexts: InHandlers, MinArgs: 3, MaxArgs: 3, Blocks: []int{1}, Check: fatCheck(4, "fat_mv requires a block offset, old filename, new filename", "fat_mv"), units: oneBlock, run: (*engine).fatMove},
	{Name: "fat_rm", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: fatCheck(3, "fat_rm requires a block offset and filename", "fat_rm"), units: oneBlock, run: (*engine).fatRemove},
	{Name: "fat_rm!", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: fatCheck(3, "fat_rm requires a block offset and filename", "fat_rm"), units: oneBlock, run: (*engine).fatRemove},
	{Name: "fat_mkdir", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: fatCheck(3, "fat_mkdir requires a block offset and directory name", "fat_mkdir"), units: oneBlock, run: (*engine).fatMkdir},
	{Name: "fat_setlabel", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: fatCheck(3, "fat_setlabel requires a block offset and name", "fat_setlabel"), units: oneBlock, run: (*engine).fatSetLabel},
	{Name: "fat_touch", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: fatCheck(3, "fat_touch requires a block offset and filename", "fat_touch"), units: oneBlock, run: (*engine).fatTouch},
	{Name: "gpt_write", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: refCheck("gpt", "gpt_write requires a gpt", "gpt_write can't find gpt reference"), units: constUnits(gptUnits), run: (*engine).gptWrite},
	{Name: "mbr_write", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: refCheck("mbr", "mbr_write requires an mbr", "mbr_write can't find mbr reference"), units: oneBlock, run: (*engine).mbrWrite},
	{Name: "trim", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Blocks: []int{1, 2}, Span: true, Check: checkTrim, units: trimUnits, run: (*engine).trim},
	{Name: "uboot_clearenv", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: ubootCheck(2, "uboot_clearenv requires a uboot-environment reference"), units: ubootUnits, run: (*engine).ubootClearenv},
	{Name: "uboot_recover", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: ubootCheck(2, "uboot_recover requires a uboot-environment reference"), units: ubootUnits, run: (*engine).ubootRecover},
	{Name: "uboot_setenv", Contexts: InHandlers, MinArgs: 3, MaxArgs: 3, Check: ubootCheck(4, "uboot_setenv requires a uboot-environment reference, variable name and value"), units: ubootUnits, run: (*engine).ubootSetenv},
	{Name: "uboot_unsetenv", Contexts: InHandlers, MinArgs: 2, MaxArgs: 2, Check: ubootCheck(3, "uboot_unsetenv requires a uboot-environment reference and a variable name"), units: ubootUnits, run: (*engine).ubootUnsetenv},
	{Name: "error", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "error() requires a message parameter"), units: noUnits, run: func(_ *engine, argv []string) error { return errors.New(argv[1]) }},
	{Name: "info", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "info() requires a message parameter"), units: noUnits, run: func(e *engine, argv []string) error { e.warn("%s", argv[1]); return nil }},
	{Name: "path_write", Contexts: OnResource, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "path_write requires a file path"), units: dataUnits, run: (*engine).pathWrite},
	{Name: "ubi_volume_write", Contexts: OnResource, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "ubi_volume_write requires a UBI volume path (e.g. /dev/ubi0_3)"), units: lengthUnits, run: (*engine).ubiVolumeWrite},
	{Name: "pipe_write", Contexts: OnResource, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "pipe_write requires a command to execute"), units: lengthUnits, run: (*engine).pipeWrite},
	{Name: "execute", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "execute requires a command to execute"), units: oneBlock, run: (*engine).execute},
	{Name: "reboot_param", Contexts: InHandlers, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "reboot_param requires a single string parameter"), units: oneBlock, run: (*engine).rebootParam},

	{Name: "require-partition-offset", Contexts: InTask, MinArgs: 2, MaxArgs: 2, Blocks: []int{2}, Check: checkRequirePartitionOffset, met: (*engine).partitionAtOffset},
	{Name: "require-fat-file-exists", Contexts: InTask, MinArgs: 2, MaxArgs: 2, Blocks: []int{1}, Check: checkRequireFatFileExists, met: (*engine).fatFileExists},
	{Name: "require-uboot-variable", Contexts: InTask, MinArgs: 3, MaxArgs: 3, Check: checkRequireUbootVariable, met: (*engine).ubootVariableIs},
	{Name: "require-path-on-device", Contexts: InTask, MinArgs: 2, MaxArgs: 2, Check: countCheck(3, "require-path-on-device requires a path and a device"), met: (*engine).pathOnDevice},
	{Name: "require-path-at-offset", Contexts: InTask, MinArgs: 2, MaxArgs: 2, Blocks: []int{2}, Check: checkRequirePathAtOffset, met: (*engine).pathAtOffset},
	{Name: "require-fat-file-match", Contexts: InTask, MinArgs: 3, MaxArgs: 3, Blocks: []int{1}, Check: checkRequireFatFileMatch, met: (*engine).fatFileMatches},
	{Name: "require-execute", Contexts: InTask, MinArgs: 1, MaxArgs: 1, Check: countCheck(2, "require-execute requires a command"), met: (*engine).executeSucceeds},
}

var actionsByName = indexActions()

func indexActions() map[string]*Action {
	m := make(map[string]*Action, len(Actions))
	for _, a := range Actions {
		m[a.Name] = a
	}
	return m
}

// LookupAction returns the function called name, or nil.
func LookupAction(name string) *Action { return actionsByName[name] }

// Callable reports whether name is a function of sections of context ctx:
// a handler may call every action (where it may appear is Check's
// business, for fwup's message), a task every requirement.
func Callable(ctx Context, name string) bool {
	a := LookupAction(name)
	switch {
	case a == nil || ctx == 0:
		return false
	case ctx == InTask:
		return a.Contexts == InTask
	}
	return a.Contexts&InHandlers != 0
}

// CheckCall is fwup's create-time check of a call in a section of
// context ctx; it returns the arguments to record (argv without the name).
func CheckCall(root, sec *conf.Section, ctx Context, name string, args []string) ([]string, error) {
	a := LookupAction(name)
	if a == nil || !Callable(ctx, name) {
		return nil, conf.ErrNoSuchOption
	}
	if len(args)+1 > MaxCallArgs {
		return nil, fmt.Errorf("Too many arguments passed to '%s'", name)
	}
	if a.Contexts&ctx == 0 {
		return nil, fmt.Errorf("%s only usable in on-resource", name)
	}
	argv, err := a.Check(root, sec, append([]string{name}, args...))
	if err != nil {
		return nil, err
	}
	return argv[1:], nil
}

// validCall is what apply checks before it counts or runs a call: a
// known function of the right kind with as many arguments as it takes.
func validCall(ctx Context, argv []string) (*Action, error) {
	a := LookupAction(argv[0])
	if a == nil || !Callable(ctx, argv[0]) {
		return nil, errUnknownFunction
	}
	if n := len(argv) - 1; n < a.MinArgs || n > a.MaxArgs {
		return nil, fmt.Errorf("%s takes %s, not %d", argv[0], argRange(a), n)
	}
	if ctx != InTask && a.Contexts&ctx == 0 {
		// Create refuses it so; an archive may still carry it, and the
		// action would have no resource to read.
		return nil, fmt.Errorf("%s only usable in on-resource", argv[0])
	}
	if err := checkBlockArgs(a, argv); err != nil {
		return nil, err
	}
	return a, nil
}

// MaxBlock is the largest block offset, or offset plus count, apply
// accepts: 4 EiB, far past any device, and small enough that byte
// offsets computed from it (and a resource's length added) cannot
// overflow.
const MaxBlock = 1 << 53

// checkBlockArgs bounds a call's block offsets and counts by MaxBlock.
// Create checks their form; an archive need not come from create.
func checkBlockArgs(a *Action, argv []string) error {
	var sum uint64
	for i, pos := range a.Blocks {
		if pos >= len(argv) {
			continue
		}
		v := ull(argv[pos])
		if v > MaxBlock {
			return fmt.Errorf("%s: block %s is past the end of any device (at most %d)", argv[0], argv[pos], uint64(MaxBlock))
		}
		if a.Span && i < 2 {
			sum += v
		}
	}
	if sum > MaxBlock {
		return fmt.Errorf("%s: blocks %s to %s+%s are past the end of any device (at most %d)", argv[0], argv[1], argv[1], argv[2], uint64(MaxBlock))
	}
	return nil
}

// errUnknownFunction is fwup's message for a call apply has no function for.
var errUnknownFunction = errors.New("Unknown function")

func argRange(a *Action) string {
	n := fmt.Sprint(a.MinArgs)
	if a.MinArgs != a.MaxArgs {
		n = fmt.Sprintf("%d to %d", a.MinArgs, a.MaxArgs)
	}
	if n == "1" {
		return "1 argument"
	}
	return n + " arguments"
}

// The create-time checks, with fwup's messages.

func checkRawWrite(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) < 2 {
		return a, errors.New("raw_write requires a block offset")
	}
	return a, uintArg(a[1], "raw_write requires a non-negative integer block offset")
}

func checkRawMemset(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 4 {
		return a, errors.New("raw_memset requires a block offset, count, and value")
	}
	if err := uintArg(a[1], "raw_memset requires a non-negative integer block offset"); err != nil {
		return a, err
	}
	if err := uintRange(a[2], 1, math.MaxInt64/512, "raw_memset requires a positive integer block count"); err != nil {
		return a, err
	}
	if v := cInt(a[3]); v < 0 || v > 255 {
		return a, errors.New("raw_memset requires value to be between 0 and 255")
	}
	return a, nil
}

func checkFatMkfs(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 3 {
		return a, errors.New("fat_mkfs requires a block offset and block count")
	}
	if err := uintArg(a[1], "fat_mkfs requires a non-negative integer block offset"); err != nil {
		return a, err
	}
	return a, uintArg(a[2], "fat_mkfs requires a non-negative integer block count")
}

func checkFatAttrib(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 4 {
		return a, errors.New("fat_attrib requires a block offset, filename, and attributes (SHR)")
	}
	// fwup's message names fat_mkfs here; it is what users see.
	if err := uintArg(a[1], "fat_mkfs requires a non-negative integer block offset"); err != nil {
		return a, err
	}
	if strings.Trim(a[3], "SsHhRr") != "" {
		return a, errors.New("fat_attrib only supports R, H, and S attributes")
	}
	return a, nil
}

func checkFatWrite(_, sec *conf.Section, a []string) ([]string, error) {
	switch len(a) {
	case 2:
		// The destination defaults to the resource name; fwup writes
		// the 3-argument form so that older fwups can apply it.
		a = append(a, sec.Title)
	case 3:
	default:
		return a, errors.New("fat_write requires a block offset and optional destination filename")
	}
	return a, uintArg(a[1], "fat_write requires a non-negative integer block offset")
}

func checkFatCp(_, _ *conf.Section, a []string) ([]string, error) {
	switch len(a) {
	case 4:
		return a, uintArg(a[1], "fat_cp requires a non-negative integer block offset")
	case 5:
		if err := uintArg(a[1], "fat_cp requires a non-negative integer source block offset"); err != nil {
			return a, err
		}
		return a, uintArg(a[3], "fat_cp requires a non-negative integer destination block offset")
	}
	return a, errors.New("fat_cp requires either 3 or 4 arguments")
}

func checkTrim(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 3 {
		return a, errors.New("trim requires a block offset and count")
	}
	if err := uintArg(a[1], "trim requires a non-negative integer block offset"); err != nil {
		return a, err
	}
	return a, uintRange(a[2], 1, math.MaxInt64/512, "trim requires a block count >1")
}

func checkRequirePartitionOffset(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 3 {
		return a, errors.New("require-partition-offset requires a partition number and a block offset")
	}
	if n := cInt(a[1]); n < 0 || n > 3 {
		return a, errors.New("require-partition-offset requires the partition number to be 0-3")
	}
	return a, uintArg(a[2], "require-partition-offset requires a non-negative integer block offset")
}

func checkRequireFatFileExists(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 3 {
		return a, errors.New("require-fat-file-exists requires a FAT FS block offset and a filename")
	}
	return a, uintArg(a[1], "require-fat-file-exists requires a non-negative integer block offset")
}

func checkRequireFatFileMatch(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 4 {
		return a, errors.New("require-fat-file-match requires a FAT FS block offset, a filename, and a pattern")
	}
	return a, uintArg(a[1], "require-fat-file-match requires a non-negative integer block offset")
}

func checkRequireUbootVariable(root, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 4 {
		return a, errors.New("require-uboot-variable requires a uboot-environment reference, variable name, and value")
	}
	if root.Find("uboot-environment", a[1]) == nil {
		return a, errors.New("require-uboot-variable can't find uboot-environment reference")
	}
	return a, nil
}

func checkRequirePathAtOffset(_, _ *conf.Section, a []string) ([]string, error) {
	if len(a) != 3 {
		return a, errors.New("require-path-at-offset requires a path and a block offset")
	}
	return a, uintArg(a[2], "require-path-at-offset requires a non-negative integer block offset")
}

type callCheck = func(root, sec *conf.Section, argv []string) ([]string, error)

func countCheck(argc int, msg string) callCheck {
	return func(_, _ *conf.Section, a []string) ([]string, error) {
		if len(a) != argc {
			return a, errors.New(msg)
		}
		return a, nil
	}
}

func fatCheck(argc int, msg, name string) callCheck {
	return func(_, _ *conf.Section, a []string) ([]string, error) {
		if len(a) != argc {
			return a, errors.New(msg)
		}
		return a, uintArg(a[1], name+" requires a non-negative integer block offset")
	}
}

func refCheck(kind, countMsg, missingMsg string) callCheck {
	return func(root, _ *conf.Section, a []string) ([]string, error) {
		if len(a) != 2 {
			return a, errors.New(countMsg)
		}
		if root.Find(kind, a[1]) == nil {
			return a, errors.New(missingMsg)
		}
		return a, nil
	}
}

func ubootCheck(argc int, msg string) callCheck {
	return func(root, _ *conf.Section, a []string) ([]string, error) {
		if len(a) != argc {
			return a, errors.New(msg)
		}
		if root.Find("uboot-environment", a[1]) == nil {
			return a, fmt.Errorf("%s can't find uboot-environment reference %s", a[0], a[1])
		}
		return a, nil
	}
}

// uintArg checks an argument as fwup's CHECK_ARG_UINT64 does: C strtoull
// must take the whole non-empty string (so "-1" passes, as it does there).
func uintArg(s, msg string) error {
	if _, ok := strtoull(s); !ok {
		return errors.New(msg)
	}
	return nil
}

func uintRange(s string, lo, hi uint64, msg string) error {
	v, ok := strtoull(s)
	if !ok || v < lo || v > hi {
		return errors.New(msg)
	}
	return nil
}

// strtoull is C's strtoull(s, &end, 0) with fwup's check that it took
// the whole non-empty string without overflow.
func strtoull(s string) (uint64, bool) {
	v, rest, overflow := cstr.Strtoull(s)
	return v, s != "" && rest == "" && !overflow
}

// cInt is C's strtol(s, NULL, 0) truncated to int: garbage reads as the
// number before it, or 0.
func cInt(s string) int64 {
	t := strings.TrimLeft(s, " \t\n\r\f\v")
	end := 0
	if end < len(t) && (t[end] == '+' || t[end] == '-') {
		end++
	}
	if strings.HasPrefix(t[end:], "0x") || strings.HasPrefix(t[end:], "0X") {
		end += 2
		for end < len(t) && cstr.DigitValue(t[end]) < 16 {
			end++
		}
	} else {
		for end < len(t) && t[end] >= '0' && t[end] <= '9' {
			end++
		}
	}
	n, _ := conf.ParseInt(t[:end])
	return int64(int32(n))
}

// CheckRecordedCalls checks the calls meta.conf records (funlist and
// reqlist) against the table, as apply will run them: every function known
// where it is called, with as many arguments as it takes. fwup -V does
// not look at them; firmwright's does, so a bad archive is refused before
// anything is written.
func CheckRecordedCalls(cfg *conf.Section) error {
	for _, task := range cfg.Sections("task") {
		sections := []*conf.Section{task}
		for _, name := range []string{"on-init", "on-resource", "on-finish", "on-error"} {
			sections = append(sections, task.Sections(name)...)
		}
		for _, sec := range sections {
			if err := checkSectionCalls(task, sec); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkSectionCalls(task, sec *conf.Section) error {
	for _, c := range sec.Calls {
		argv := append([]string{c.Name}, c.Args...)
		err := errors.New("Unexpected argc value in funlist")
		if len(argv) <= MaxCallArgs {
			_, err = validCall(ContextOf(sec), argv)
		}
		if err != nil {
			where := "task " + task.Title
			if sec != task {
				where += " " + sec.Opt.Name
				if sec.Title != "" {
					where += " " + sec.Title
				}
			}
			if errors.Is(err, errUnknownFunction) {
				return fmt.Errorf("%s: %s: %w", where, c.Name, err)
			}
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}
