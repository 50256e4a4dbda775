package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/mmc"

	"github.com/urfave/cli/v3"
)

// applyFlags are what apply and image share.
func applyFlags(task string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "task", Aliases: []string{"t"}, Value: task, Usage: "the task to run (a prefix is enough)"},
		publicKeysFlag("only apply archives signed by this key (file; repeatable)"),
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress line"},
	}
}

// applySpec is the apply of fw that the shared flags say.
func applySpec(sys *system, c *cli.Command, fw string, env map[string]string) (*builder.Apply, error) {
	pubs, err := keys.ReadCheckingKeys(c.StringSlice("public-key"))
	if err != nil {
		return nil, err
	}
	a := &builder.Apply{Fw: fw, Task: c.String("task"), PublicKeys: pubs, Env: env, Host: cmdline.Machine{},
		RebootParamPath: c.String("reboot-param-path"), Now: sys.Now}
	if !c.Bool("quiet") {
		a.Progress = sys.Stderr
	}
	return a, nil
}

func imageCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "image",
		Usage:     "write the disk image a .fw makes (its complete task) to a new file",
		ArgsUsage: "FILE.fw",
		Flags: append(applyFlags("complete"),
			outputFlag("the image file to write", true)),
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			out := c.String("output")
			a, err := applySpec(sys, c, c.Args().First(), sys.Env)
			if err != nil {
				return err
			}
			if err := a.ToNewImage(ctx, out); err != nil {
				return err
			}
			fmt.Fprintf(sys.Stdout, "wrote %s\n", out)
			return nil
		},
	}
}

func applyCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "apply a .fw to a memory card, block device or existing image (an update, or a full burn)",
		ArgsUsage: "FILE.fw",
		Flags: append(applyFlags(""),
			&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Required: true, Usage: "block device or image file"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask before writing a block device"},
			&cli.StringFlag{Name: "reboot-param-path", Usage: "where reboot_param() writes (default /run/systemd/reboot-param, then /run/reboot-param)"}),
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			if c.String("task") == "" {
				return usage(c, "give a task with --task (complete for a new card, upgrade for an update)")
			}
			dev := c.String("device")
			if cmdline.WillBeRegularFile(dev) {
				return applyToImageFile(sys, c, c.Args().First(), dev, sys.Env)
			}
			// What the device is when the user is asked is what is written.
			chosen, err := sys.MemoryCards(nil).Identify(dev)
			if err != nil {
				return fmt.Errorf("apply: %w", err)
			}
			// Ask before anything touches the device.
			if !c.Bool("yes") {
				fmt.Fprintf(sys.Stderr, "Write to %s? Everything the task overwrites there is lost. [y/N] ", dev)
				if !cmdline.Confirmed(sys.Stdin) {
					return errors.New("apply: not confirmed; nothing was written")
				}
			}
			return applyToDevice(sys, c, c.Args().First(), dev, chosen, sys.Env)
		},
	}
}

// applyToImageFile applies fw to an existing or new image file.
func applyToImageFile(sys *system, c *cli.Command, fw, path string, env map[string]string) error {
	a, err := applySpec(sys, c, fw, env)
	if err != nil {
		return err
	}
	return a.ToImageFile(sys.Ctx(), path)
}

// applyToDevice applies fw to a block device the user has confirmed, if
// it is still the medium chosen.
func applyToDevice(sys *system, c *cli.Command, fw, dev string, chosen mmc.Identity, env map[string]string) error {
	a, err := applySpec(sys, c, fw, env)
	if err != nil {
		return err
	}
	return a.ToDevice(sys.Ctx(), dev, chosen, sys.MemoryCards(nil))
}
