package cmdline

import (
	"slices"
	"strings"
	"testing"
)

// TestGetopt: GNU getopt_long's behaviour on fwup's own option table.
func TestGetopt(t *testing.T) {
	for _, tc := range []struct {
		args     string
		visits   string // id=arg, space-separated
		operands string
		errs     string
		ok       bool
	}{
		{"-a -d x.img", "a= d=x.img", "", "", true},
		{"-ad x.img", "a= d=x.img", "", "", true},
		{"-dx.img", "d=x.img", "", "", true},
		{"app.fw -a extra", "a=", "app.fw extra", "", true},
		{"-a -- -d", "a=", "-d", "", true},
		{"-", "", "-", "", true},
		{"-n9q", "n= 9= q=", "", "", true},
		{"--apply --task=upgrade", "a= t=upgrade", "", "", true},
		{"--task upgrade", "t=upgrade", "", "", true},
		{"--ta upgrade", "t=upgrade", "", "", true},          // a unique abbreviation
		{"--no-v", "no-verify-writes=", "", "", true},        // likewise
		{"--public-key-file k.pub", "p=k.pub", "", "", true}, // fwup spells it with a trailing space
		{"--public-key k", "public-key=k", "", "", true},     // an exact match wins over longer names
		{"--p", "", "", "option '--p' is ambiguous", false},
		{"--no", "", "", "option '--no' is ambiguous", false},
		{"--bogus", "", "", "unrecognized option '--bogus'", false},
		{"--apply=x", "", "", "option '--apply' doesn't allow an argument", false},
		{"--task", "", "", "option '--task' requires an argument", false},
		{"-x", "", "", "invalid option -- 'x'", false},
		{"-:", "", "", "invalid option -- ':'", false},
		{"-a -d", "a=", "", "option requires an argument -- 'd'", false},
		{"-V -h -a", "V= h=", "", "", true}, // visit stops at -h
	} {
		var visits, errs []string
		operands, ok := getopt(strings.Fields(tc.args), fwupShorts, fwupLongs, func(id, arg string) bool {
			visits = append(visits, id+"="+arg)
			return id != "h"
		}, func(msg string) { errs = append(errs, msg) })
		if got := strings.Join(visits, " "); got != tc.visits || ok != tc.ok ||
			!slices.Equal(operands, strings.Fields(tc.operands)) || strings.Join(errs, "|") != tc.errs {
			t.Errorf("%q: visits %q, operands %q, ok %v, errors %q; want %q, %q, %v, %q",
				tc.args, got, operands, ok, errs, tc.visits, tc.operands, tc.ok, tc.errs)
		}
	}
}
