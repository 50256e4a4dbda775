package erlinit

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/internal/cstr"
)

// Option is one option of an erlinit.config.
type Option struct {
	// Name is the long name, without dashes: "ctty", "mount".
	Name string
	// Value is the argument; "" for a flag (see HasValue).
	Value    string
	HasValue bool
	// Delete, written --no-NAME, removes every NAME option set before it
	// (Nerves' `config :nerves, :erlinit, name: nil`).
	Delete bool
	// Line is the option's line in its file, for errors.
	Line int
}

type erlinitKind uint8

const (
	erlinitFlag erlinitKind = iota + 1
	erlinitString
	erlinitInt
	// erlinitRepeat options accumulate instead of replacing each other
	// (Nerves' :keep switches).
	erlinitRepeat
)

// erlinitOptions is erlinit 1.15's option table (src/options.c), with the
// kinds Nerves.Erlinit gives them (lib/nerves/erlinit.ex): --env and
// --mount accumulate; everything else, --limits included although
// erlinit itself appends repeated --limits, replaces.
var erlinitOptions = map[string]erlinitKind{
	"alternate-exec":            erlinitString,
	"boot":                      erlinitString,
	"core-pattern":              erlinitString,
	"ctty":                      erlinitString,
	"env":                       erlinitRepeat,
	"gid":                       erlinitInt,
	"graceful-shutdown-timeout": erlinitInt,
	"hang-on-exit":              erlinitFlag,
	"hang-on-fatal":             erlinitFlag,
	"hostname-pattern":          erlinitString,
	"limits":                    erlinitString,
	"mount":                     erlinitRepeat,
	"poweroff-on-exit":          erlinitFlag,
	"poweroff-on-fatal":         erlinitFlag,
	"pre-run-exec":              erlinitString,
	"print-timing":              erlinitFlag,
	"reboot-on-exit":            erlinitFlag,
	"reboot-on-fatal":           erlinitFlag,
	"release-include-erts":      erlinitFlag,
	"release-path":              erlinitString,
	"run-on-exit":               erlinitString,
	"shutdown-report":           erlinitString,
	"tty-options":               erlinitString,
	"uid":                       erlinitInt,
	"uniqueid-exec":             erlinitString,
	"update-clock":              erlinitFlag,
	"verbose":                   erlinitFlag,
	"warn-unused-tty":           erlinitFlag,
	"working-directory":         erlinitString,
	"x-pivot-root-on-overlayfs": erlinitFlag,
}

// erlinitShort is erlinit's getopt string "b:c:d:e:hl:m:n:r:s:tv".
var erlinitShort = map[byte]string{
	'b': "boot", 'c': "ctty", 'd': "uniqueid-exec", 'e': "env", 'h': "hang-on-exit",
	'l': "limits", 'm': "mount", 'n': "hostname-pattern", 'r': "release-path",
	's': "alternate-exec", 't': "print-timing", 'v': "verbose",
}

// erlinitExclusive are options that set one erlinit setting: the last
// one given wins on the device, so setting one drops the others.
var erlinitExclusive = [][]string{
	{"hang-on-exit", "reboot-on-exit", "poweroff-on-exit"},
	{"hang-on-fatal", "reboot-on-fatal", "poweroff-on-fatal"},
}

// erlinitMaxLine is the longest line erlinit reads (src/cfgloader.c reads
// into a 256-byte buffer and drops the rest of a longer line).
const erlinitMaxLine = 255

// isOptionName says whether name may be an option erlinit does not know:
// a letter or digit, then letters, digits, '_' and '-'. (Written out, not
// a regexp: the device binary, which parses erlinit.config, leaves the
// regexp package out.)
func isOptionName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '-') {
			return false
		}
	}
	return name != ""
}

// isCInteger says whether s is what strtol with base 0 reads whole, as
// erlinit's integer options take: an optional sign, then 0x and hex
// digits, 0 and octal digits, or decimal digits.
func isCInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, base := s, 10
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		digits, base = s[2:], 16
	case len(s) > 0 && s[0] == '0':
		digits, base = s[1:], 8
	}
	if digits == "" {
		return base == 8
	}
	for _, c := range []byte(digits) {
		if cstr.DigitValue(c) >= uint64(base) {
			return false
		}
	}
	return true
}

// Parse reads an erlinit.config: arguments separated by white
// space, "double quoted" arguments, # comments, as erlinit's
// cfgloader.c splits them, then options as erlinit's getopt_long reads
// them (-c tty1, -ctty1, --ctty tty1, --ctty=tty1, an unambiguous
// prefix of a long name, -tv). --no-NAME deletes NAME (see
// Option.Delete). An option erlinit 1.15 does not know passes
// through, as Nerves lets it: with the next argument as its value unless
// that starts with "-". A positional argument, an unknown short option,
// a missing value, a bad integer or a line longer than erlinit reads are
// errors.
func Parse(data []byte) ([]Option, error) {
	type token struct {
		s    string
		line int
	}
	var toks []token
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if len(line) > erlinitMaxLine {
			return nil, fmt.Errorf("line %d: %d bytes, longer than the %d erlinit reads", i+1, len(line), erlinitMaxLine)
		}
		for _, s := range splitErlinitLine(line) {
			toks = append(toks, token{s, i + 1})
		}
	}
	var opts []Option
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		next := func() (string, bool) {
			if i+1 < len(toks) {
				i++
				return toks[i].s, true
			}
			return "", false
		}
		switch {
		case strings.HasPrefix(tk.s, "--") && len(tk.s) > 2:
			name, value, hasEq := strings.Cut(tk.s[2:], "=")
			if n, ok := strings.CutPrefix(name, "no-"); ok {
				if hasEq {
					return nil, fmt.Errorf("line %d: --%s removes an option and takes no value", tk.line, name)
				}
				if full, err := erlinitLongName(n); err == nil {
					opts = append(opts, Option{Name: full, Delete: true, Line: tk.line})
					continue
				}
			}
			full, err := erlinitLongName(name)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", tk.line, err)
			}
			o := Option{Name: full, Line: tk.line}
			kind, known := erlinitOptions[full]
			switch {
			case hasEq:
				o.Value, o.HasValue = value, true
			case kind == erlinitFlag:
			case known:
				if o.Value, o.HasValue = next(); !o.HasValue {
					return nil, fmt.Errorf("line %d: --%s needs a value", tk.line, full)
				}
			case i+1 < len(toks) && !strings.HasPrefix(toks[i+1].s, "-"):
				o.Value, o.HasValue = next()
			}
			if err := checkErlinitValue(o); err != nil {
				return nil, fmt.Errorf("line %d: %v", tk.line, err)
			}
			opts = append(opts, o)
		case strings.HasPrefix(tk.s, "-") && len(tk.s) > 1 && tk.s != "--":
			for j := 1; j < len(tk.s); j++ {
				full, ok := erlinitShort[tk.s[j]]
				if !ok {
					return nil, fmt.Errorf("line %d: erlinit has no option -%c", tk.line, tk.s[j])
				}
				o := Option{Name: full, Line: tk.line}
				if erlinitOptions[full] != erlinitFlag {
					if rest := tk.s[j+1:]; rest != "" {
						o.Value, o.HasValue = rest, true
					} else if o.Value, o.HasValue = next(); !o.HasValue {
						return nil, fmt.Errorf("line %d: -%c needs a value", tk.line, tk.s[j])
					}
					if err := checkErlinitValue(o); err != nil {
						return nil, fmt.Errorf("line %d: %v", tk.line, err)
					}
					opts = append(opts, o)
					break
				}
				opts = append(opts, o)
			}
		default:
			return nil, fmt.Errorf("line %d: unexpected argument %q (quote a value that holds spaces)", tk.line, tk.s)
		}
	}
	return opts, nil
}

// erlinitLongName resolves a long option as getopt_long does: the exact
// name, or the only option it is a prefix of. A name erlinit does not
// know at all is returned as it is.
func erlinitLongName(name string) (string, error) {
	if _, ok := erlinitOptions[name]; ok {
		return name, nil
	}
	var matches []string
	for full := range erlinitOptions {
		if strings.HasPrefix(full, name) {
			matches = append(matches, full)
		}
	}
	switch len(matches) {
	case 0:
		if !isOptionName(name) {
			return "", fmt.Errorf("--%s is not an option name", name)
		}
		return name, nil
	case 1:
		return matches[0], nil
	}
	slices.Sort(matches)
	return "", fmt.Errorf("--%s is ambiguous: --%s", name, strings.Join(matches, ", --"))
}

func checkErlinitValue(o Option) error {
	kind := erlinitOptions[o.Name]
	switch {
	case kind == erlinitFlag && o.HasValue:
		return fmt.Errorf("--%s takes no value", o.Name)
	case kind == erlinitInt && !isCInteger(o.Value):
		return fmt.Errorf("--%s %q is not an integer", o.Name, o.Value)
	}
	return nil
}

// splitErlinitLine splits a line as erlinit's parse_config_line does.
func splitErlinitLine(line string) []string {
	var out []string
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == '#':
			return out
		case cstr.IsSpace(c):
			i++
		case c == '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				return append(out, line[i+1:])
			}
			out = append(out, line[i+1:i+1+end])
			i += end + 2
		default:
			j := i
			for j < len(line) && line[j] != '#' && !cstr.IsSpace(line[j]) {
				j++
			}
			out = append(out, line[i:j])
			if j < len(line) && line[j] == '#' {
				return out
			}
			i = j
		}
	}
	return out
}

// Merge merges a user's erlinit options (in erlinit.config syntax)
// into the system's default erlinit.config and returns the
// etc/erlinit.config to put in the image, as Nerves' mix firmware
// writes it (Nerves.Erlinit in lib/nerves/erlinit.ex, and
// write_erlinit_config in lib/mix/tasks/firmware.ex):
//
//   - the header "# Generated from rootfs_overlay/etc/erlinit.config",
//     then "# with overrides from the application config" when the user
//     gave any option, else an empty line;
//   - one option a line, always by its long name (--ctty tty1), a flag
//     alone (--verbose); a value with white space, a # or nothing is
//     double-quoted (Nerves quotes only values with spaces, which
//     erlinit would split at a tab or cut at a #);
//   - --env and --mount accumulate, the user's after the system's; any
//     other option the user gives replaces the system's; --no-NAME
//     removes NAME.
//
// The order differs from Nerves': there, a replaced or added option
// moves to the top, in reverse order, so the user's --env and --mount
// come before the system's (the system's value of a variable set twice
// wins, and a user mount below /root is mounted before /root). Here a
// replaced option keeps the system's line and new ones follow in the
// user's order. Setting one of --hang-on-exit, --reboot-on-exit,
// --poweroff-on-exit drops the other two (likewise the *-on-fatal
// options), since erlinit applies the last one it reads.
//
// A value erlinit cannot read back (a double quote in a value that needs
// quoting, a line break) or a line longer than erlinit reads is an error.
func Merge(systemDefault, user []byte) ([]byte, error) {
	sys, err := Parse(systemDefault)
	if err != nil {
		return nil, fmt.Errorf("system erlinit.config: %w", err)
	}
	usr, err := Parse(user)
	if err != nil {
		return nil, fmt.Errorf("user erlinit options: %w", err)
	}
	merged := applyErlinit(applyErlinit(nil, sys), usr)
	var b bytes.Buffer
	b.WriteString("# Generated from rootfs_overlay/etc/erlinit.config\n")
	if len(usr) > 0 {
		b.WriteString("# with overrides from the application config\n")
	} else {
		b.WriteString("\n")
	}
	for _, o := range merged {
		line := "--" + o.Name
		if o.HasValue {
			v, err := quoteErlinit(o.Value)
			if err != nil {
				return nil, fmt.Errorf("--%s: %w", o.Name, err)
			}
			if _, known := erlinitOptions[o.Name]; !known && strings.HasPrefix(o.Value, "-") {
				// An unknown option takes the next argument only when
				// it does not look like an option: join them.
				if v != o.Value {
					return nil, fmt.Errorf("--%s: value %q starts with - and needs quoting, which erlinit cannot read", o.Name, o.Value)
				}
				line += "=" + v
			} else {
				line += " " + v
			}
		}
		if len(line) > erlinitMaxLine {
			return nil, fmt.Errorf("--%s: the line would be %d bytes, longer than the %d erlinit reads", o.Name, len(line), erlinitMaxLine)
		}
		b.WriteString(line + "\n")
	}
	return b.Bytes(), nil
}

// applyErlinit applies opts, in order, to cur.
func applyErlinit(cur, opts []Option) []Option {
	drop := func(name string) {
		cur = slices.DeleteFunc(cur, func(c Option) bool { return c.Name == name })
	}
	for _, o := range opts {
		if o.Delete {
			drop(o.Name)
			continue
		}
		for _, group := range erlinitExclusive {
			if slices.Contains(group, o.Name) {
				for _, other := range group {
					if other != o.Name {
						drop(other)
					}
				}
			}
		}
		if erlinitOptions[o.Name] == erlinitRepeat {
			cur = append(cur, o)
			continue
		}
		i := slices.IndexFunc(cur, func(c Option) bool { return c.Name == o.Name })
		if i < 0 {
			cur = append(cur, o)
			continue
		}
		cur[i] = o
	}
	return cur
}

// quoteErlinit writes a value so that erlinit's line splitter reads it
// back whole.
func quoteErlinit(v string) (string, error) {
	if strings.ContainsAny(v, "\n\r") {
		return "", fmt.Errorf("value %q holds a line break", v)
	}
	needs := v == "" || v[0] == '"' || strings.ContainsAny(v, " \t\v\f#")
	if !needs {
		return v, nil
	}
	if strings.Contains(v, `"`) {
		return "", fmt.Errorf("value %q needs quoting but holds a double quote, which erlinit cannot read inside quotes", v)
	}
	return `"` + v + `"`, nil
}
