package main

import (
	"strings"
	"testing"
)

// TestUsageErrors: a command line that cannot run exits 2 with one line
// on stderr naming the command and what to change, nothing on stdout.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bulid"}, `firmwright: no command "bulid"; did you mean build? (see firmwright --help)`},
		{[]string{"imge", "x.fw"}, `firmwright: no command "imge"; did you mean image? (see firmwright --help)`},
		{[]string{"frobnicate"}, `firmwright: no command "frobnicate" (see firmwright --help)`},
		{[]string{"build", "-o", "x.fw"}, "firmwright build: --system, --base and --release are required (see firmwright build --help)"},
		{[]string{"build", "--sytem", "rpi4"}, "firmwright build: unknown flag --sytem; did you mean --system? (see firmwright build --help)"},
		{[]string{"build", "--system", "rpi4", "--base", "i", "--release", "r", "-o", "x.fw", "extra"},
			`firmwright build: unexpected argument "extra" (inputs are given with flags) (see firmwright build --help)`},
		{[]string{"info", "-x", "a.fw"}, "firmwright info: unknown flag -x (see firmwright info --help)"},
		{[]string{"sign", "-o", "b.fw", "a.fw"}, "firmwright sign: --sign-key is required (see firmwright sign --help)"},
		{[]string{"burn"}, "firmwright burn: give one .fw file (see firmwright burn --help)"},
		{[]string{"patch", "a.fw", "-o", "p.fw"}, "firmwright patch: give OLD.fw and NEW.fw (see firmwright patch --help)"},
		{[]string{"version", "now"}, "firmwright version: takes no arguments (see firmwright version --help)"},
	} {
		stdout, stderr, code := runCLI(t, nil, tc.args...)
		if code != 2 || stdout != "" || stderr != tc.want+"\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
}

// TestHelpOrder: the top-level help lists the commands a user needs
// first (build, burn, qemu) first, each with a one-line summary.
func TestHelpOrder(t *testing.T) {
	stdout, _, code := runCLI(t, nil, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	_, list, _ := strings.Cut(stdout, "COMMANDS:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Errorf("command line without a summary: %q", line)
			continue
		}
		names = append(names, strings.TrimSuffix(f[0], ","))
	}
	if len(names) < 3 || strings.Join(names[:3], " ") != "build burn qemu" {
		t.Errorf("commands in the order %v", names)
	}
}
