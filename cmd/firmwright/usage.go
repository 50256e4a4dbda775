package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/firmwright/firmwright/internal/suggest"
	"github.com/urfave/cli/v3"
)

// usageError is a command line that cannot be run as given: exit status
// 2, one line on stderr naming the command and what to change (failures
// of the work itself exit 1).
type usageError struct {
	command string // "firmwright build"
	msg     string
}

func (e *usageError) Error() string {
	return fmt.Sprintf("%s: %s (see %s --help)", e.command, e.msg, e.command)
}

// usage is the usage error of c.
func usage(c *cli.Command, format string, args ...any) error {
	return &usageError{command: c.FullName(), msg: fmt.Sprintf(format, args...)}
}

// onUsageError turns urfave/cli's usage errors (a flag it does not know,
// a bad value, a required flag missing), which it would print with the
// whole help after them, into one line.
func onUsageError(_ context.Context, c *cli.Command, err error, _ bool) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "Required flag") {
		if missing := missingFlags(c); len(missing) > 0 {
			return usage(c, "%s %s required", joinAnd(missing), plural(len(missing), "is", "are"))
		}
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = "-" + strings.TrimLeft(name, "-")
		if len(name) > 2 {
			name = "-" + name
		}
		msg = "unknown flag " + name
		if given := strings.TrimLeft(name, "-"); len(given) >= 3 {
			if near := suggest.Closest(given, flagNames(c)); near != "" {
				msg += "; did you mean --" + near + "?"
			}
		}
	}
	return usage(c, "%s", msg)
}

// missingFlags are c's required flags that are not set, as --name.
func missingFlags(c *cli.Command) []string {
	var missing []string
	for _, f := range c.Flags {
		if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() && !c.IsSet(f.Names()[0]) {
			missing = append(missing, "--"+f.Names()[0])
		}
	}
	return missing
}

// flagNames are c's long flag names.
func flagNames(c *cli.Command) []string {
	var names []string
	for _, f := range c.Flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				names = append(names, n)
			}
		}
	}
	return names
}

// unknownCommand is the root's action: with no arguments it shows the
// help, with any it says the command does not exist.
func unknownCommand(_ context.Context, c *cli.Command) error {
	if c.NArg() == 0 {
		return cli.ShowRootCommandHelp(c)
	}
	name := c.Args().First()
	var names []string
	for _, sub := range c.Commands {
		if !sub.Hidden {
			names = append(names, sub.Name)
		}
	}
	msg := fmt.Sprintf("no command %q", name)
	if near := suggest.Closest(name, names); near != "" {
		msg += fmt.Sprintf("; did you mean %s?", near)
	}
	return usage(c, "%s", msg)
}

func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// setUsageErrors makes every command report usage errors as usageError.
func setUsageErrors(c *cli.Command) {
	c.OnUsageError = onUsageError
	for _, sub := range c.Commands {
		setUsageErrors(sub)
	}
}
