package main

import (
	"strings"
	"testing"
)

// TestVersion: --version and version print firmwright's version and the
// fwup version it speaks; fwup mode's --version stays fwup's.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		stdout, stderr, code := runCLI(t, nil, args...)
		if code != 0 || !strings.HasPrefix(stdout, "firmwright ") || !strings.Contains(stdout, "\nfwup 1.16.0 ") || stderr != "" {
			t.Errorf("%v: exit %d, %q, %q", args, code, stdout, stderr)
		}
	}
	if stdout, _, code := runCLI(t, nil, "fwup", "--version"); code != 0 || stdout != "1.16.0\n" {
		t.Errorf("fwup --version: exit %d, %q", code, stdout)
	}
}

// TestFwupHelpSendsBugsHere: fwup mode's help is fwup's, but bugs in it
// are ours to hear of.
func TestFwupHelpSendsBugsHere(t *testing.T) {
	stdout, _, _ := runCLI(t, nil, "fwup", "--help")
	if !strings.Contains(stdout, "report its bugs at\nhttps://github.com/firmwright/firmwright") || strings.Contains(stdout, "report bugs at https://github.com/fwup-home") {
		t.Errorf("fwup --help ends:\n%s", stdout[max(0, len(stdout)-300):])
	}
}
