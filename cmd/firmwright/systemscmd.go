package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/systems"
)

func systemsCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "systems",
		Usage:     "list the boards firmwright builds for, with their disk layouts",
		ArgsUsage: "[NAME|DIR]…",
		Action: func(_ context.Context, c *cli.Command) error {
			names := c.Args().Slice()
			if len(names) == 0 {
				names = systems.Names()
			}
			for i, n := range names {
				s, err := systems.Lookup(n)
				if err != nil {
					return err
				}
				if i > 0 {
					fmt.Fprintln(sys.Stdout)
				}
				if err := printSystem(sys, s); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func printSystem(sys *system, s *systems.System) error {
	fmt.Fprintf(sys.Stdout, "%s — %s\n", s.Name, s.Description)
	fmt.Fprintf(sys.Stdout, "  platform %s, architecture %s, release ELF %s, kernel %s\n", s.Platform, s.Architecture, s.ELF, s.Kernel[0])
	regions, err := s.Layout(nil)
	if err != nil {
		return fmt.Errorf("system %s: %w", s.Name, err)
	}
	tw := tabwriter.NewWriter(sys.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  \tregion\tdevice\tstart block\tblocks\tMiB\ttype\t")
	for _, r := range regions {
		dev, typ := "-", "-"
		if r.Device != "" {
			dev, typ = r.Device, fmt.Sprintf("0x%02x", r.Type)
		}
		size := fmt.Sprintf("%.1f", float64(r.Count)*512/(1<<20))
		if r.Expand {
			size += "+"
		}
		fmt.Fprintf(tw, "  \t%s\t%s\t%d\t%d\t%s\t%s\t\n", r.Name, dev, r.Offset, r.Count, size, typ)
	}
	return tw.Flush()
}
