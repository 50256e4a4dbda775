package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/rootfs"
)

func unpackCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "unpack",
		Usage:     "unpack a .fw for inspection, as mix firmware.unpack: meta.conf, data/, the root filesystem in rootfs/",
		ArgsUsage: "FILE.fw",
		Description: "With --output, makes the folder and writes there every entry of the archive (meta.conf, its\n" +
			"signature, data/ with each resource) and the root filesystem unsquashed in rootfs/. Without root,\n" +
			"owners and device nodes cannot be made: a line says how many were left out. Without --output,\n" +
			"lists the root filesystem.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "resource", Value: "rootfs.img", Usage: "the file-resource holding the SquashFS root filesystem"},
			&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "list the root filesystem (the default without --output)"},
			outputFlag("the new folder to unpack into", false),
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			fw, resource := c.Args().First(), c.String("resource")
			if out := c.String("output"); out != "" && !c.Bool("list") {
				return unpackTo(ctx, sys, fw, resource, out)
			}
			return listRootfs(sys, fw, resource)
		},
	}
}

// listRootfs lists the root filesystem inside fw.
func listRootfs(sys *system, fw, resource string) error {
	tmp, err := os.MkdirTemp(sys.Env["TMPDIR"], "firmwright-unpack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tree, err := builder.ReadFwRootfs(fw, resource, tmp)
	if err != nil {
		return err
	}
	for _, e := range tree.Entries {
		fmt.Fprintln(sys.Stdout, rootfs.ListLine(e))
	}
	return nil
}

// unpackTo makes out with fw's entries and its root filesystem in
// rootfs/, and says what could not be made.
func unpackTo(ctx context.Context, sys *system, fw, resource, out string) error {
	asRoot := os.Geteuid() == 0
	u, err := builder.Unpack(ctx, fw, resource, out, asRoot)
	if err != nil {
		return err
	}
	fmt.Fprintf(sys.Stdout, "unpacked %s into %s: meta.conf, data/, rootfs/ (%d entries)\n", fw, out, u.Entries)
	if !asRoot {
		fmt.Fprintln(sys.Stdout, "not run as root: rootfs/ files are owned by you, not by their owners in the image")
	}
	for _, why := range slices.Sorted(maps.Keys(u.Skipped)) {
		fmt.Fprintf(sys.Stdout, "left out %d %s (%s)\n", u.Skipped[why], plural(u.Skipped[why], "entry", "entries"), why)
	}
	return nil
}
