package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup/meta"
)

// version, when a release build sets it (-ldflags "-X main.version=v1.2.3"),
// is firmwright's version; else the module's build info says.
var version string

func versionCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print firmwright's version and the fwup version it speaks",
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() > 0 {
				return usage(c, "takes no arguments")
			}
			printVersion(sys)
			return nil
		},
	}
}

func printVersion(sys *system) {
	fmt.Fprintf(sys.Stdout, "firmwright %s\nfwup %s (the fwup command line and .fw format it speaks)\n", buildVersion(), meta.Version)
}

// buildVersion is version, or what the Go toolchain recorded: the module
// version for `go install …@vX`, else the VCS revision (with +dirty for
// uncommitted changes), else (devel).
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	return describeBuild(info)
}

func describeBuild(info *debug.BuildInfo) string {
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
