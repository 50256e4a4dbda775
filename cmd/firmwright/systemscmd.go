package main

import (
	"context"
	"fmt"
	"strings"
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
	fmt.Fprintf(sys.Stdout, "  platform %s, architecture %s, release ELF %s, kernel %s\n", s.Platform, s.Architecture, s.ELF, strings.Join(s.Kernel, " or "))
	regions, err := s.Layout(nil)
	if err != nil {
		return fmt.Errorf("system %s: %w", s.Name, err)
	}
	tables := map[string]bool{}
	for _, r := range regions {
		for _, t := range r.Tables {
			tables[t] = true
		}
	}
	tw := tabwriter.NewWriter(sys.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "  \tregion\tdevice\tstart block\tblocks\tMiB\ttype\t"
	if len(tables) > 1 {
		// The tables swap between slots: say which places what.
		header += "MBR\t"
	}
	fmt.Fprintln(tw, header)
	for _, r := range regions {
		dev, typ := "-", "-"
		if r.Device != "" {
			dev, typ = r.Device, fmt.Sprintf("0x%02x", r.Type)
		}
		size := fmt.Sprintf("%.1f", float64(r.Count)*512/(1<<20))
		if r.Expand {
			size += "+"
		}
		line := fmt.Sprintf("  \t%s\t%s\t%d\t%d\t%s\t%s\t", r.Name, dev, r.Offset, r.Count, size, typ)
		if len(tables) > 1 {
			in := strings.Join(r.Tables, ", ")
			if len(r.Tables) == len(tables) {
				in = "all"
			} else if in == "" {
				in = "-"
			}
			line += in + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}
