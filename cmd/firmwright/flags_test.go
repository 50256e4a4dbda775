package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"
)

// TestFlagsAgree: a flag name has the same short form in every command
// that takes it, a short form stands for one name, and no usage line has
// a backtick (urfave/cli would take the quoted word for the value's
// placeholder).
func TestFlagsAgree(t *testing.T) {
	short := map[string][]string{} // long name → its aliases, as first seen
	long := map[string]string{}    // alias → long name
	where := map[string]string{}
	var walk func(c *cli.Command)
	walk = func(c *cli.Command) {
		for _, f := range c.Flags {
			names := f.Names()
			name, aliases := names[0], names[1:]
			if prev, ok := short[name]; ok && !slices.Equal(prev, aliases) {
				t.Errorf("--%s is %v in %s but %v in %s", name, aliases, c.FullName(), prev, where[name])
			}
			short[name], where[name] = aliases, c.FullName()
			for _, a := range aliases {
				if other, ok := long[a]; ok && other != name {
					t.Errorf("-%s is --%s in %s but --%s elsewhere", a, name, c.FullName(), other)
				}
				long[a] = name
			}
			if u, ok := f.(cli.DocGenerationFlag); ok && strings.Contains(u.GetUsage(), "`") {
				t.Errorf("%s --%s: usage has a backtick: %q", c.FullName(), name, u.GetUsage())
			}
		}
		for _, sub := range c.Commands {
			walk(sub)
		}
	}
	walk(newApp(&system{}))
	for name, want := range map[string]string{"public-key": "p", "sign-key": "s", "output": "o"} {
		if !slices.Contains(short[name], want) {
			t.Errorf("--%s has no -%s", name, want)
		}
	}
}
