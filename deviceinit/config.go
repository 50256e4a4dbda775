package deviceinit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firmwright/firmwright/erlang/erlinit"
)

// ConfigPath is the erlinit configuration Run reads.
const ConfigPath = "/etc/erlinit.config"

// DefaultReleasePath is where erlinit looks for the release without -r.
const DefaultReleasePath = "/srv/erlang"

// action is what init does when the release exits on its own, or when
// something fatal stops it from starting one.
type action int

const (
	actReboot action = iota
	actHang
	actPowerOff
	actHalt
)

func (a action) String() string {
	return [...]string{"rebooting", "hanging", "powering off", "halting"}[a]
}

// mountSpec is one -m entry, "source:target:fstype:flags:data".
type mountSpec struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
}

// config is an erlinit.config as deviceinit applies it.
type config struct {
	mounts          []mountSpec
	env             []string
	releasePath     string // colon-separated, as erlinit's -r
	boot            string
	ctty            string
	hostnamePattern string
	uniqueIDExec    string
	workDir         string
	preRunExec      string
	runOnExit       string
	alternateExec   string
	corePattern     string
	network         Network
	verbose         bool
	onExit, onFatal action
	gracefulTimeout time.Duration
}

func defaultConfig() config {
	return config{releasePath: DefaultReleasePath, gracefulTimeout: 10 * time.Second}
}

// quietOptions are erlinit options deviceinit accepts without comment:
// they only tune erlinit's own logging and checks, or (release-include-
// erts) pick where to look for ERTS, where deviceinit looks anyway.
var quietOptions = []string{"print-timing", "warn-unused-tty", "release-include-erts"}

// parseConfig applies the options of an erlinit.config in order: the last
// of a setting wins, --env and --mount accumulate, --no-NAME restores
// NAME's default. It returns the config and the problems to log (bad
// values, options deviceinit does not implement).
func parseConfig(opts []erlinit.Option) (config, []string) {
	c, def := defaultConfig(), defaultConfig()
	var problems, ignored []string
	for _, o := range opts {
		v := o.Value
		if field := c.stringOption(o.Name); field != nil {
			if *field = v; o.Delete {
				*field = *def.stringOption(o.Name)
			}
			continue
		}
		if field := c.actionOption(o.Name); field != nil {
			if *field = actionOf(o.Name); o.Delete {
				*field = actReboot
			}
			continue
		}
		switch o.Name {
		case "verbose":
			c.verbose = !o.Delete
		case "mount":
			if o.Delete {
				c.mounts = nil
			}
			for _, spec := range splitList(v) {
				m, errs := parseMount(spec)
				problems = append(problems, errs...)
				if m != nil {
					c.mounts = append(c.mounts, *m)
				}
			}
		case "env":
			if o.Delete {
				c.env = nil
			}
			for _, kv := range splitList(v) {
				if !strings.Contains(kv, "=") {
					problems = append(problems, fmt.Sprintf("-e %q is not NAME=VALUE", kv))
					continue
				}
				c.env = append(c.env, kv)
			}
		case NetworkOption:
			n, err := parseNetwork(v)
			switch {
			case o.Delete:
				c.network = Network{}
			case err != nil:
				problems = append(problems, err.Error())
			default:
				c.network = n
			}
		case "graceful-shutdown-timeout":
			ms, err := strconv.ParseInt(v, 0, 32)
			switch {
			case o.Delete:
				c.gracefulTimeout = def.gracefulTimeout
			case err != nil:
				problems = append(problems, fmt.Sprintf("--graceful-shutdown-timeout %q is not a number of milliseconds", v))
			default:
				c.gracefulTimeout = time.Duration(max(ms, 1)) * time.Millisecond
			}
		default:
			if !o.Delete && !slices.Contains(quietOptions, o.Name) && !slices.Contains(ignored, "--"+o.Name) {
				ignored = append(ignored, "--"+o.Name)
			}
		}
	}
	if len(ignored) > 0 {
		problems = append(problems, "ignoring "+strings.Join(ignored, ", ")+" (not implemented by deviceinit)")
	}
	return c, problems
}

// stringOption is the field of an erlinit option with a string value,
// nil for another option.
func (c *config) stringOption(name string) *string {
	return map[string]*string{
		"release-path": &c.releasePath, "boot": &c.boot, "ctty": &c.ctty,
		"hostname-pattern": &c.hostnamePattern, "uniqueid-exec": &c.uniqueIDExec,
		"working-directory": &c.workDir, "pre-run-exec": &c.preRunExec, "run-on-exit": &c.runOnExit,
		"alternate-exec": &c.alternateExec, "core-pattern": &c.corePattern,
	}[name]
}

// actionOption is the field an erlinit *-on-exit or *-on-fatal option
// sets, nil for another option.
func (c *config) actionOption(name string) *action {
	for _, when := range []struct {
		suffix string
		field  *action
	}{{"-on-exit", &c.onExit}, {"-on-fatal", &c.onFatal}} {
		if a, ok := strings.CutSuffix(name, when.suffix); ok && slices.Contains([]string{"reboot", "hang", "poweroff"}, a) {
			return when.field
		}
	}
	return nil
}

func actionOf(option string) action {
	switch {
	case strings.HasPrefix(option, "hang-"):
		return actHang
	case strings.HasPrefix(option, "poweroff-"):
		return actPowerOff
	}
	return actReboot
}

// splitList splits an -e or -m value: erlinit joins repeated options with
// ";" and splits them there again, so one option may hold several.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ";") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// hostnameEscape reads the escape at the start of s: "%s" (width -1),
// "%.Ns" or "%-.Ns" with N one or two digits. n is its length, 0 when s
// starts with no such escape. (Written out, not a regexp: the device
// binary leaves the regexp package out.)
func hostnameEscape(s string) (n, width int, fromEnd bool) {
	rest, ok := strings.CutPrefix(s, "%")
	if !ok {
		return 0, 0, false
	}
	if strings.HasPrefix(rest, "s") {
		return 2, -1, false
	}
	rest, fromEnd = strings.CutPrefix(rest, "-")
	if rest, ok = strings.CutPrefix(rest, "."); !ok {
		return 0, 0, false
	}
	digits := 0
	for digits < 2 && digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		width = width*10 + int(rest[digits]-'0')
		digits++
	}
	if digits == 0 || digits >= len(rest) || rest[digits] != 's' {
		return 0, 0, false
	}
	return len(s) - len(rest) + digits + 1, width, fromEnd
}

// mountFlags are the flag names erlinit's -m understands, as mount(8)
// spells them.
var mountFlags = map[string]uintptr{
	"dirsync": msDirsync, "mand": msMandlock, "noatime": msNoatime, "nodev": msNodev,
	"nodiratime": msNodiratime, "noexec": msNoexec, "nosuid": msNosuid, "ro": msRdonly,
	"relatime": msRelatime, "silent": msSilent, "strictatime": msStrictatime, "sync": msSynchronous,
}

// parseMount reads "source:target:fstype:flags:data"; data is the rest of
// the entry, colons included.
func parseMount(spec string) (*mountSpec, []string) {
	f := strings.SplitN(spec, ":", 5)
	if len(f) < 5 || f[1] == "" {
		return nil, []string{fmt.Sprintf("-m %q: expected source:target:fstype:flags:data", spec)}
	}
	m := &mountSpec{source: f[0], target: f[1], fstype: f[2], data: f[4]}
	var problems []string
	for _, name := range strings.Split(f[3], ",") {
		switch flag, ok := mountFlags[name]; {
		case name == "":
		case name == "rw":
			m.flags &^= msRdonly
		case ok:
			m.flags |= flag
		default:
			problems = append(problems, fmt.Sprintf("-m %s: unknown mount flag %q", spec, name))
		}
	}
	return m, problems
}

// hostname fills an erlinit --hostname-pattern with a unique ID: %s is
// all of it, %.Ns its first N characters, %-.Ns its last N (N is one or
// two digits); an escape other than these ends the name there. The result
// is cut at white space and kept to RFC 1123 characters, lower case.
func hostname(pattern, id string) string {
	var b strings.Builder
	for pattern != "" {
		i := strings.IndexByte(pattern, '%')
		if i < 0 {
			b.WriteString(pattern)
			break
		}
		b.WriteString(pattern[:i])
		n, width, fromEnd := hostnameEscape(pattern[i:])
		if n == 0 {
			break
		}
		part := id
		if width >= 0 {
			width = min(width, len(id))
			if part = id[:width]; fromEnd {
				part = id[len(id)-width:]
			}
		}
		b.WriteString(part)
		pattern = pattern[i+n:]
	}
	name := strings.TrimSpace(b.String())
	if j := strings.IndexAny(name, " \t\n\v\f\r"); j >= 0 {
		name = name[:j]
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return -1
	}, name)
}
