package main

import (
	"context"
	"fmt"

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
				if err := s.WriteSummary(sys.Stdout); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
