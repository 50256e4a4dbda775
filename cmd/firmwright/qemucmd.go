package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/qemu"
	"github.com/firmwright/firmwright/systems"
)

func qemuCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name: "qemu",
		Usage: "boot a firmware image in QEMU: kernel, initramfs and cmdline from its active boot partition; " +
			"restarts QEMU when the guest reboots, so an A/B switch takes effect",
		ArgsUsage: "IMAGE",
		Description: "IMAGE is a disk image of the qemu-aarch64 system (firmwright build --image, or firmwright image).\n" +
			"It is the guest's /dev/vda, and the guest writes to it; --disk images follow as /dev/vdb, /dev/vdc.\n" +
			"The serial console is on the terminal (Ctrl-A X quits QEMU). With --expect, the command\n" +
			"succeeds as soon as the patterns have appeared on the console in order, and fails when the\n" +
			"guest powers off or --timeout passes first.",
		// Regular expressions may hold commas.
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Value: qemu.DefaultMemory, Usage: "guest memory (QEMU's -m)"},
			&cli.IntFlag{Name: "cpus", Value: qemu.DefaultCPUs, Usage: "guest CPUs (QEMU's -smp)"},
			&cli.StringSliceFlag{Name: "disk", Usage: "another raw disk image for the guest: /dev/vdb, then /dev/vdc…; repeatable"},
			&cli.StringSliceFlag{Name: "forward", Usage: "forward a host TCP port to the guest, [HOSTADDR:]HOSTPORT:GUESTPORT (HOSTADDR defaults to 127.0.0.1), e.g. 2222:22 for its SSH; repeatable. The guest is 10.0.2.15/24 on QEMU's user networking, gateway 10.0.2.2"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop QEMU and fail after this long (e.g. 5m; reboots included)"},
			&cli.StringSliceFlag{Name: "expect", Usage: "a regular expression to wait for on the console; repeatable, seen in order; after the last one QEMU is stopped"},
			&cli.StringFlag{Name: "qemu", Value: qemu.DefaultQEMU, Usage: "the QEMU binary"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one disk image")
			}
			var expect []*regexp.Regexp
			for _, e := range c.StringSlice("expect") {
				re, err := regexp.Compile(e)
				if err != nil {
					return fmt.Errorf("qemu: --expect: %w", err)
				}
				expect = append(expect, re)
			}
			var forwards []qemu.Forward
			for _, spec := range c.StringSlice("forward") {
				f, err := qemu.ParseForward(spec)
				if err != nil {
					return fmt.Errorf("qemu: %w", err)
				}
				forwards = append(forwards, f)
			}
			if c.Int("cpus") < 1 {
				return errors.New("qemu: --cpus must be at least 1")
			}
			if err := checkQemuImage(c.Args().First()); err != nil {
				return err
			}
			// Stop QEMU, rather than leave it running, when we are stopped.
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			err := qemu.Run(ctx, qemu.Options{
				Image: c.Args().First(), QEMU: c.String("qemu"), Memory: c.String("memory"), CPUs: c.Int("cpus"),
				ExtraDisks: c.StringSlice("disk"), Forwards: forwards, Timeout: c.Duration("timeout"), Expect: expect,
				Stdin: sys.Stdin, Stdout: sys.Stdout, Stderr: sys.Stderr,
			})
			if errors.Is(err, context.Canceled) {
				return errors.New("qemu: interrupted; QEMU stopped")
			}
			return err
		},
	}
}

// checkQemuImage refuses, before anything touches it, an image whose
// firmware is for a board firmwright qemu cannot boot (it would only
// time out on a blank console).
func checkQemuImage(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if p, ok := systems.ImagePlatform(f); ok && p != qemuPlatform {
		return fmt.Errorf("%s is firmware for %s (its U-Boot environment says so): firmwright qemu boots images of the %s system only; build one with firmwright build --system %s", path, p, qemuPlatform, qemuPlatform)
	}
	return nil
}

// qemuPlatform is the one system firmwright qemu boots.
const qemuPlatform = "qemu-aarch64"
