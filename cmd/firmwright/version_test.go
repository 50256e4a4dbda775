package main

import (
	"runtime/debug"
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

func TestDescribeBuild(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "7b8792e1c0de5a5a5a5a"}}
	for _, tc := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: rev}, "v1.2.3"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "(devel) revision 7b8792e1c0de"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, "(devel) revision 7b8792e1c0de+dirty"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
	} {
		if got := describeBuild(&tc.info); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.info, got, tc.want)
		}
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
