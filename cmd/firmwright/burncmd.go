package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/fwup/cmdline"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup/mmc"
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
			asked := false
			if dev == "" {
				card, err := pickCard(sys, in, c.Bool("yes"))
				if err != nil {
					return err
				}
				dev, asked = card.Path, true
			}
			if cmdline.WillBeRegularFile(dev) {
				if err := applyToImageFile(sys, c, fw, dev, env); err != nil {
					return err
				}
				fmt.Fprintf(sys.Stdout, "Burned %s to the image file %s (task %s).\n", fw, dev, c.String("task"))
				return nil
			}
			if !asked && !c.Bool("any-disk") {
				if err := isCard(sys, dev); err != nil {
					return err
				}
			}
			if !asked && !c.Bool("yes") {
				fmt.Fprintf(sys.Stderr, "Write %s to %s? Everything on it is lost. [y/N] ", fw, dev)
				if !cmdline.Confirmed(in) {
					return errors.New("burn: not confirmed; nothing was written")
				}
			}
			if err := applyToDevice(sys, c, fw, dev, env); err != nil {
				return err
			}
			fmt.Fprintf(sys.Stdout, "Burned %s to %s (task %s); every write was read back and checked.\n", fw, dev, c.String("task"))
			return nil
		},
	}
}

// isCard refuses a --device that the card scanner would not offer: a
// fixed disk, the one holding /, or not a memory card's kind of device.
func isCard(sys *system, dev string) error {
	host := sys.MemoryCards(nil)
	cards, err := host.Detect()
	if err != nil {
		return err
	}
	for _, c := range cards {
		if c.Path == dev {
			return nil
		}
	}
	return fmt.Errorf("burn: %s is not a removable memory card (the card scanner does not list it: it is fixed, holds /, or is not an sd*/mmcblk* disk); nothing was written. Pass --any-disk to write it anyway", dev)
}

// pickCard finds the removable cards and has the user choose one: a
// yes/no question for one card, a numbered list for several.
func pickCard(sys *system, in *bufio.Reader, yes bool) (mmc.Card, error) {
	host := sys.MemoryCards(nil)
	cards, err := host.Detect()
	if err != nil {
		return mmc.Card{}, err
	}
	describe := func(c mmc.Card) string {
		s := fmt.Sprintf("%s, %s", c.Path, cmdline.FormatSize(c.Size))
		if m := host.Model(c); m != "" {
			s += ", " + m
		}
		return s
	}
	switch {
	case len(cards) == 0:
		return mmc.Card{}, errors.New("burn: no memory card found; insert one (and check it shows in lsblk), or give --device")
	case len(cards) == 1:
		if yes {
			return cards[0], nil
		}
		fmt.Fprintf(sys.Stderr, "Use memory card %s? Everything on it is lost. [y/N] ", describe(cards[0]))
		if !cmdline.Confirmed(in) {
			return mmc.Card{}, errors.New("burn: not confirmed; nothing was written")
		}
		return cards[0], nil
	case yes:
		return mmc.Card{}, fmt.Errorf("burn: %d memory cards found; choose one with --device", len(cards))
	}
	fmt.Fprintln(sys.Stderr, "Memory cards found:")
	for i, c := range cards {
		fmt.Fprintf(sys.Stderr, "  %d) %s\n", i+1, describe(c))
	}
	fmt.Fprintf(sys.Stderr, "Which one (1-%d)? Everything on it is lost. ", len(cards))
	line, _ := in.ReadString('\n')
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || n < 1 || n > len(cards) {
		return mmc.Card{}, errors.New("burn: no card chosen; nothing was written")
	}
	return cards[n-1], nil
}
