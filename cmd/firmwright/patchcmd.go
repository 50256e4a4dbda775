package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/firmwright/firmwright/builder"
	"github.com/urfave/cli/v3"
)

func patchCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "patch",
		Usage:     "make a delta update: NEW.fw with its resources as xdelta3 patches against OLD.fw's (mix firmware.patch)",
		ArgsUsage: "OLD.fw NEW.fw",
		Description: "Every resource of NEW.fw that its upgrade tasks give a delta source (delta-source-raw-offset/-count,\n" +
			"delta-source-fat-offset/-path), and that OLD.fw also has, is encoded against OLD.fw's and kept as a patch\n" +
			"when smaller. meta.conf and its signature are NEW.fw's, untouched; a device on OLD.fw applies the patch\n" +
			"to the same result as NEW.fw.",
		Flags: []cli.Flag{
			outputFlag("the delta .fw to write", true),
		},
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 2 {
				return usage(c, "give OLD.fw and NEW.fw")
			}
			return makePatch(sys, c.Args().Get(0), c.Args().Get(1), c.String("output"))
		},
	}
}

// makePatch writes the delta update from old to nu at out, a line per
// resource.
func makePatch(sys *system, old, nu, out string) error {
	size, err := builder.WritePatch(sys.Ctx(), old, nu, out, sys.Now, func(st builder.Stage) {
		fmt.Fprintln(sys.Stdout, stageLine(st.What, st.Took, 0))
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(sys.Stdout, stageLine(fmt.Sprintf("%s (delta update from %s)", out, filepath.Base(old)), 0, size))
	return nil
}
