package buildinfo

import "runtime/debug"

// Version is set when a release build set it (-ldflags -X), else what
// the Go toolchain recorded: the module version for `go install …@vX`,
// else the VCS revision (with +dirty for uncommitted changes), else
// (devel).
func Version(set string) string {
	if set != "" {
		return set
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	return Describe(info)
}

// Describe is what a build info says of the main module's version.
func Describe(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "+dirty"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return "(devel) revision " + rev + dirty
}
