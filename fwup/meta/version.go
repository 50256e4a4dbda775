package meta

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is the fwup version firmwright speaks: what --version prints and
// what require-fwup-version is checked against.
const Version = "1.16.0"

// CheckRequiredVersion is fwup's require-fwup-version check: req must be
// a version, and not newer than Version.
func CheckRequiredVersion(req string) error {
	need, ok := parseSemver(req)
	if !ok {
		return fmt.Errorf("Invalid version '%s' passed to require-fwup-version", req)
	}
	have, _ := parseSemver(Version)
	if compareSemver(need, have) > 0 {
		return fmt.Errorf("fwup version '%s' required. This is fwup version '%s'.", req, Version)
	}
	return nil
}

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
