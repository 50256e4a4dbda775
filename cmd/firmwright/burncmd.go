package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/mmc"

	"github.com/urfave/cli/v3"
)

func burnCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "burn",
		Usage:     "write a .fw to a memory card: finds the card, asks, unmounts, writes, reads back and syncs",
		ArgsUsage: "FILE.fw",
		Description: "Without --device, burn looks for removable cards and asks which one to use. Provisioning\n" +
			"variables reach the firmware from the environment (NERVES_SERIAL_NUMBER=1234 firmwright burn …;\n" +
			"under sudo, give them after sudo) or with --serial-number.",
		Flags: append(applyFlags("complete"),
			&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Usage: "the card's block device (or an image file); found automatically when left out"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask before writing"},
			&cli.StringFlag{Name: "serial-number", Usage: "NERVES_SERIAL_NUMBER for the provisioning step"},
			&cli.BoolFlag{Name: "any-disk", Usage: "allow a --device that is not a removable memory card (a USB disk, a loop device)"}),
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			fw := c.Args().First()
			env := maps.Clone(sys.Env)
			if sn := c.String("serial-number"); sn != "" {
				env["NERVES_SERIAL_NUMBER"] = sn
			}
			in := bufio.NewReader(sys.Stdin)
			dev := c.String("device")
			var picked *mmc.Card
			if dev == "" {
				card, err := sys.PickCard(in, c.Bool("yes"))
				if err != nil {
					return err
				}
				dev, picked = card.Path, &card
			}
			if cmdline.WillBeRegularFile(dev) {
				if err := applyToImageFile(sys, c, fw, dev, env); err != nil {
					return err
				}
				fmt.Fprintf(sys.Stdout, "Burned %s to the image file %s (task %s).\n", fw, dev, c.String("task"))
				return nil
			}
			chosen, err := confirmDevice(sys, c, in, fw, dev, picked)
			if err != nil {
				return err
			}
			if err := applyToDevice(sys, c, fw, dev, chosen, env); err != nil {
				return err
			}
			fmt.Fprintf(sys.Stdout, "Burned %s to %s (task %s); every write was read back and checked.\n", fw, dev, c.String("task"))
			return nil
		},
	}
}

// confirmDevice checks and asks about a --device as PickCard does about a
// card it finds, and returns what the device is when the user agrees: the
// medium that may be written. picked is the card PickCard chose, if any.
func confirmDevice(sys *system, c *cli.Command, in *bufio.Reader, fw, dev string, picked *mmc.Card) (mmc.Identity, error) {
	if picked != nil && picked.ID.Rdev != 0 {
		return picked.ID, nil
	}
	if picked == nil && !c.Bool("any-disk") {
		if err := sys.IsCard(dev); err != nil {
			return mmc.Identity{}, err
		}
	}
	chosen, err := sys.MemoryCards(nil).Identify(dev)
	if err != nil {
		return mmc.Identity{}, fmt.Errorf("burn: %w", err)
	}
	if picked == nil && !c.Bool("yes") {
		fmt.Fprintf(sys.Stderr, "Write %s to %s? Everything on it is lost. [y/N] ", fw, dev)
		if !cmdline.Confirmed(in) {
			return mmc.Identity{}, errors.New("burn: not confirmed; nothing was written")
		}
	}
	return chosen, nil
}
