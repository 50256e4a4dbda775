package fwup

import (
	"strconv"
	"strings"
)

// semver is a parsed major.minor.patch version; pre-release and build
// suffixes are accepted and ignored for ordering, as fwup's check does.
type semver [3]int

// parseSemver reads "1", "1.2" or "1.2.3", optionally followed by
// -prerelease or +build.
func parseSemver(s string) (semver, bool) {
	var v semver
	core := s
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	if core == "" || len(parts) > 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

func compareSemver(a, b semver) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
