package fwup

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/firmwright/firmwright/internal/cstr"

	"github.com/firmwright/firmwright/fwup/conf"
)

// Version is the fwup version firmwright speaks: what --version prints and
// what require-fwup-version is checked against.
const Version = "1.16.0"

// maxCallArgs is fwup's FUN_MAX_ARGS: a function name and 9 arguments.
const maxCallArgs = 10

// context is where a handler call appears.
type context int

const (
	inInit context = iota
	inFinish
	inError
	inResource
)

// callCheck validates a call's arguments at create time. argv[0] is the
// name, as in fwup. It may rewrite argv (fat_write's 2-argument form).
type callCheck func(root, sec *conf.Section, ctx context, argv []string) ([]string, error)

// Functions lists the actions a handler may call and checks their
// arguments as fwup does when it creates an archive.
var functions = map[string]callCheck{
	"raw_write": func(_, _ *conf.Section, ctx context, a []string) ([]string, error) {
		if ctx != inResource {
			return a, errors.New("raw_write only usable in on-resource")
		}
		if len(a) < 2 {
			return a, errors.New("raw_write requires a block offset")
		}
		return a, uintArg(a[1], "raw_write requires a non-negative integer block offset")
	},
	"raw_memset": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
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
	},
	"fat_mkfs": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 3 {
			return a, errors.New("fat_mkfs requires a block offset and block count")
		}
		if err := uintArg(a[1], "fat_mkfs requires a non-negative integer block offset"); err != nil {
			return a, err
		}
		return a, uintArg(a[2], "fat_mkfs requires a non-negative integer block count")
	},
	"fat_attrib": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
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
	},
	"fat_write": func(_, sec *conf.Section, ctx context, a []string) ([]string, error) {
		if ctx != inResource {
			return a, errors.New("fat_write only usable in on-resource")
		}
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
	},
	"fat_mv":       fatCheck(4, "fat_mv requires a block offset, old filename, new filename", "fat_mv"),
	"fat_mv!":      fatCheck(4, "fat_mv requires a block offset, old filename, new filename", "fat_mv"),
	"fat_rm":       fatCheck(3, "fat_rm requires a block offset and filename", "fat_rm"),
	"fat_rm!":      fatCheck(3, "fat_rm requires a block offset and filename", "fat_rm"),
	"fat_mkdir":    fatCheck(3, "fat_mkdir requires a block offset and directory name", "fat_mkdir"),
	"fat_setlabel": fatCheck(3, "fat_setlabel requires a block offset and name", "fat_setlabel"),
	"fat_touch":    fatCheck(3, "fat_touch requires a block offset and filename", "fat_touch"),
	"fat_cp": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
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
	},
	"gpt_write": refCheck("gpt", "gpt_write requires a gpt", "gpt_write can't find gpt reference"),
	"mbr_write": refCheck("mbr", "mbr_write requires an mbr", "mbr_write can't find mbr reference"),
	"trim": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 3 {
			return a, errors.New("trim requires a block offset and count")
		}
		if err := uintArg(a[1], "trim requires a non-negative integer block offset"); err != nil {
			return a, err
		}
		return a, uintRange(a[2], 1, math.MaxInt64/512, "trim requires a block count >1")
	},
	"uboot_clearenv": ubootCheck(2, "uboot_clearenv requires a uboot-environment reference"),
	"uboot_recover":  ubootCheck(2, "uboot_recover requires a uboot-environment reference"),
	"uboot_setenv":   ubootCheck(4, "uboot_setenv requires a uboot-environment reference, variable name and value"),
	"uboot_unsetenv": ubootCheck(3, "uboot_unsetenv requires a uboot-environment reference and a variable name"),
	"error":          countCheck(2, "error() requires a message parameter"),
	"info":           countCheck(2, "info() requires a message parameter"),
	"path_write":     resourceCheck("path_write only usable in on-resource", "path_write requires a file path"),
	"pipe_write":     resourceCheck("pipe_write only usable in on-resource", "pipe_write requires a command to execute"),
	"execute":        countCheck(2, "execute requires a command to execute"),
	"reboot_param":   countCheck(2, "reboot_param requires a single string parameter"),
}

// requirements lists the require-* functions of a task.
var requirements = map[string]callCheck{
	"require-partition-offset": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 3 {
			return a, errors.New("require-partition-offset requires a partition number and a block offset")
		}
		if n := cInt(a[1]); n < 0 || n > 3 {
			return a, errors.New("require-partition-offset requires the partition number to be 0-3")
		}
		return a, uintArg(a[2], "require-partition-offset requires a non-negative integer block offset")
	},
	"require-execute": countCheck(2, "require-execute requires a command"),
	"require-fat-file-exists": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 3 {
			return a, errors.New("require-fat-file-exists requires a FAT FS block offset and a filename")
		}
		return a, uintArg(a[1], "require-fat-file-exists requires a non-negative integer block offset")
	},
	"require-fat-file-match": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 4 {
			return a, errors.New("require-fat-file-match requires a FAT FS block offset, a filename, and a pattern")
		}
		return a, uintArg(a[1], "require-fat-file-match requires a non-negative integer block offset")
	},
	"require-uboot-variable": func(root, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 4 {
			return a, errors.New("require-uboot-variable requires a uboot-environment reference, variable name, and value")
		}
		if root.Find("uboot-environment", a[1]) == nil {
			return a, errors.New("require-uboot-variable can't find uboot-environment reference")
		}
		return a, nil
	},
	"require-path-on-device": countCheck(3, "require-path-on-device requires a path and a device"),
	"require-path-at-offset": func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != 3 {
			return a, errors.New("require-path-at-offset requires a path and a block offset")
		}
		return a, uintArg(a[2], "require-path-at-offset requires a non-negative integer block offset")
	},
}

func countCheck(argc int, msg string) callCheck {
	return func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != argc {
			return a, errors.New(msg)
		}
		return a, nil
	}
}

func fatCheck(argc int, msg, name string) callCheck {
	return func(_, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != argc {
			return a, errors.New(msg)
		}
		return a, uintArg(a[1], name+" requires a non-negative integer block offset")
	}
}

func refCheck(kind, countMsg, missingMsg string) callCheck {
	return func(root, _ *conf.Section, _ context, a []string) ([]string, error) {
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
	return func(root, _ *conf.Section, _ context, a []string) ([]string, error) {
		if len(a) != argc {
			return a, errors.New(msg)
		}
		if root.Find("uboot-environment", a[1]) == nil {
			return a, fmt.Errorf("%s can't find uboot-environment reference %s", a[0], a[1])
		}
		return a, nil
	}
}

func resourceCheck(ctxMsg, countMsg string) callCheck {
	return func(_, _ *conf.Section, ctx context, a []string) ([]string, error) {
		if ctx != inResource {
			return a, errors.New(ctxMsg)
		}
		if len(a) != 2 {
			return a, errors.New(countMsg)
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
		for end < len(t) && isHexDigit(t[end]) {
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

func isHexDigit(c byte) bool { return cstr.DigitValue(c) < 16 }

// checker runs fwup's create-time checks as the config is parsed.
type checker struct{}

func (checker) Call(root, sec *conf.Section, c *conf.Call) error {
	table, ctx := functions, inInit
	switch sec.Opt.Name {
	case "task":
		table = requirements
	case "on-finish":
		ctx = inFinish
	case "on-error":
		ctx = inError
	case "on-resource":
		ctx = inResource
	}
	check, ok := table[c.Name]
	if !ok {
		return conf.ErrNoSuchOption
	}
	if len(c.Args)+1 > maxCallArgs {
		return fmt.Errorf("Too many arguments passed to '%s'", c.Name)
	}
	argv, err := check(root, sec, ctx, append([]string{c.Name}, c.Args...))
	if err != nil {
		return err
	}
	c.Args = argv[1:]
	return nil
}

func (checker) Option(_, sec *conf.Section, name string) error {
	if sec.Opt != conf.Schema || name != "require-fwup-version" {
		return nil
	}
	req := sec.String(name)
	need, ok := parseSemver(req)
	if !ok {
		return fmt.Errorf("Invalid version '%s' passed to require-fwup-version", req)
	}
	have, _ := parseSemver(Version)
	if compareSemver(need, have) > 0 {
		return fmt.Errorf("fwup version '%s' required. This is fwup version '%s'.", req, Version)
	}
	return nil
}

func (checker) Section(root, parent, sec *conf.Section) error {
	switch sec.Opt.Name {
	case "file-resource":
		hasPath, hasContents := sec.Has("host-path"), sec.Has("contents")
		if !hasPath && !hasContents {
			return fmt.Errorf("host-path or contents must be set for file-resource '%s'", sec.Title)
		}
		if hasPath && hasContents {
			return fmt.Errorf("only one of host-path or contents should be set for file-resource '%s'", sec.Title)
		}
	case "on-resource":
		if root.Find("file-resource", sec.Title) == nil {
			return fmt.Errorf("unknown resource: %s", sec.Title)
		}
	}
	return checkTable(sec)
}
