package apply

import (
	"strings"
	"testing"
)

// TestActionTable: every entry is whole — a create check, and apply's
// units and run for an action or met for a requirement — names are
// unique, and the argument bounds agree with what create's check lets
// through for the entry's own counts.
func TestActionTable(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Actions {
		if seen[a.Name] {
			t.Errorf("%s listed twice", a.Name)
		}
		seen[a.Name] = true
		requirement := strings.HasPrefix(a.Name, "require-")
		switch {
		case a.Check == nil:
			t.Errorf("%s: no create check", a.Name)
		case requirement && (a.met == nil || a.Contexts != InTask):
			t.Errorf("%s: a requirement without met, or outside tasks", a.Name)
		case !requirement && (a.run == nil || a.units == nil || a.Contexts&InTask != 0):
			t.Errorf("%s: an action without run or units, or in tasks", a.Name)
		case a.MinArgs < 1 || a.MaxArgs < a.MinArgs || a.MaxArgs > MaxCallArgs-1:
			t.Errorf("%s: argument bounds %d..%d", a.Name, a.MinArgs, a.MaxArgs)
		}
		if LookupAction(a.Name) != a {
			t.Errorf("LookupAction(%s) is another entry", a.Name)
		}
	}
	if len(Actions) != 34 {
		t.Errorf("%d functions, fwup 1.16 has 26 actions and 7 requirements, and its main branch ubi_volume_write", len(Actions))
	}
}

// TestRecordedCalls: what -V and apply refuse before running anything.
func TestRecordedCalls(t *testing.T) {
	for _, tc := range []struct{ conf, want string }{
		{`task t { on-init { funlist = {"2", "info", "hi"} } }`, ""},
		{`task t { on-init { funlist = {"1", "info"} } }`, "task t on-init: info takes 1 argument, not 0"},
		{`task t { on-init { funlist = {"2", "bogus", "x"} } }`, "task t on-init: bogus: Unknown function"},
		{`task t { reqlist = {"2", "info", "x"} }`, "task t: info: Unknown function"},
		{`task t { reqlist = {"2", "require-path-at-offset", "/"} }`, "task t: require-path-at-offset takes 2 arguments, not 1"},
		{`task t { on-resource r { funlist = {"1", "fat_write"} } }`, "task t on-resource r: fat_write takes 2 arguments, not 0"},
	} {
		cfg := replayConfig(t, tc.conf)
		err := CheckRecordedCalls(cfg)
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("%s: %q, want %q", tc.conf, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("%s: accepted, want %q", tc.conf, tc.want)
		}
	}
}
