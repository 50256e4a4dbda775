package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/buildinfo"
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
	fmt.Fprintf(sys.Stdout, "firmwright %s\nfwup %s (the fwup command line and .fw format it speaks)\n", buildinfo.Version(version), meta.Version)
}
