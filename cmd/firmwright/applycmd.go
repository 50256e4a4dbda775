package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/firmwright/firmwright/fwup/cmdline"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/mmc"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
)

// progressLine prints a percentage with speed and time left, on one line
// of stderr, for people watching.
type progressLine struct {
	w           io.Writer
	now         func() time.Time
	start, last time.Time
	open        bool // a line is drawn and not ended
}

func (p *progressLine) report(percent int, in, units, total int64) {
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	// Five updates a second are plenty to read.
	if percent < 100 && !p.last.IsZero() && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	line := fmt.Sprintf("\r%3d%%  %6.1f MB written", percent, float64(units)/1e6)
	if secs > 0.5 && units > 0 {
		rate := float64(units) / secs
		line += fmt.Sprintf("  %5.1f MB/s", rate/1e6)
		if left := float64(total-units) / rate; total > units {
			line += fmt.Sprintf("  ETA %d:%02d", int(left)/60, int(left)%60)
		}
	}
	io.WriteString(p.w, line+"   ")
	p.open = true
	if percent == 100 {
		p.end()
	}
}

// end ends the progress line, if one is open, so that what follows
// (a message, an error) starts a line of its own.
func (p *progressLine) end() {
	if p.open {
		io.WriteString(p.w, "\n")
		p.open = false
	}
}

// applyFlags are what apply and image share.
func applyFlags(task string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "task", Aliases: []string{"t"}, Value: task, Usage: "the task to run (a prefix is enough)"},
		publicKeysFlag("only apply archives signed by this key (file; repeatable)"),
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress line"},
	}
}

// runApply applies fw to target with the shared flags.
func runApply(sys *system, c *cli.Command, fw string, target apply.Target, copts apply.CacheOptions, env map[string]string) error {
	pubs, err := readPublics(c.StringSlice("public-key"))
	if err != nil {
		return err
	}
	in, err := os.Open(fw)
	if err != nil {
		return err
	}
	defer in.Close()
	pl := &progressLine{w: sys.Stderr, now: sys.Now}
	opts := apply.Options{Task: c.String("task"), Input: fw, PublicKeys: pubs, Env: env, Cache: copts,
		Info: func(msg string) { pl.end(); fmt.Fprintf(sys.Stderr, "%s\n", msg) }, Host: cmdline.Machine{},
		RebootParamPath: c.String("reboot-param-path")}
	if !c.Bool("quiet") {
		opts.Progress = apply.NewProgress(0, 100, pl.report)
	}
	var onDevice []string // tasks passed over for not running on the device
	opts.Unmet = func(task, req string) {
		if req == "require-path-at-offset" || req == "require-path-on-device" {
			onDevice = append(onDevice, task)
		}
	}
	err = apply.Run(ctxio.Reader(sys.Ctx(), in), target, opts)
	pl.end()
	if err != nil {
		msg := applyMessage(err)
		if len(onDevice) > 0 {
			msg += fmt.Sprintf("\n  %s %s for the running system's root filesystem, so %s meant to run on the device itself "+
				"(its fwup, or firmwright there) or in firmwright qemu, not on this computer. For a new card, use the complete task (firmwright burn).",
				joinAnd(onDevice), plural(len(onDevice), "looks", "look"), plural(len(onDevice), "it is", "they are"))
		}
		return fmt.Errorf("%s: %s", fw, msg)
	}
	return nil
}

// applyMessage words an apply failure for the native commands: fwup's
// text, and then what the system said behind it (fwup's "Check media
// size" is, more often than not, "no space left on device").
func applyMessage(err error) string {
	var delta *apply.DeltaWithoutSourceError
	if errors.As(err, &delta) {
		return fmt.Sprintf("%s is a delta update against the other slot; use the full .fw for a new card", delta.Resource)
	}
	var bad *apply.DeltaError
	if errors.As(err, &bad) {
		return fmt.Sprintf("%s: the delta update does not apply to the other slot's contents (%v); use the full .fw", bad.Resource, bad.Err)
	}
	msg := cmdline.ArchiveMessage(err)
	var errno syscall.Errno
	switch {
	case errors.Is(err, syscall.ENOSPC):
		// fwup's guess, "Check media size", is this cause.
		return strings.TrimSuffix(strings.TrimSuffix(msg, " Check media size."), ".") + ": no space left on device"
	case errors.As(err, &errno) && !strings.Contains(msg, errno.Error()):
		msg += " (" + errno.Error() + ")"
	}
	return msg
}

func imageCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "image",
		Usage:     "write the disk image a .fw makes (its complete task) to a new file",
		ArgsUsage: "FILE.fw",
		Flags: append(applyFlags("complete"),
			outputFlag("the image file to write", true)),
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			out := c.String("output")
			// The image appears only once it is complete.
			err := atomicfile.Write(out, 0o644, func(w io.Writer) error {
				return runApply(sys, c, c.Args().First(), w.(*os.File), apply.CacheOptions{}, sys.Env)
			})
			if err != nil {
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
			// Ask before anything touches the device.
			if !c.Bool("yes") {
				fmt.Fprintf(sys.Stderr, "Write to %s? Everything the task overwrites there is lost. [y/N] ", dev)
				if !cmdline.Confirmed(sys.Stdin) {
					return errors.New("apply: not confirmed; nothing was written")
				}
			}
			return applyToDevice(sys, c, c.Args().First(), dev, sys.Env)
		},
	}
}

// applyToImageFile applies fw to an existing or new image file. A new
// one is made under a temporary name and appears only when whole.
func applyToImageFile(sys *system, c *cli.Command, fw, path string, env map[string]string) error {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return atomicfile.Write(path, 0o644, func(w io.Writer) error {
			return runApply(sys, c, fw, w.(*os.File), apply.CacheOptions{}, env)
		})
	}
	f, copts, err := cmdline.OpenImageFile(path)
	if err != nil {
		return err
	}
	if err := runApply(sys, c, fw, f, copts, env); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// applyToDevice applies fw to a block device the user has confirmed:
// unmounted first, as fwup does, every write read back, synced at the end.
func applyToDevice(sys *system, c *cli.Command, fw, dev string, env map[string]string) error {
	if err := sys.MemoryCards(nil).UnmountAll(dev); err != nil {
		return fmt.Errorf("%s: %w", dev, err)
	}
	d, err := mmc.Open(dev)
	if err != nil {
		return fmt.Errorf("%s: %w", dev, err)
	}
	defer d.Close()
	if d.Size() == 0 {
		return fmt.Errorf("%s: cannot tell the device's size; refusing to write to it", dev)
	}
	copts := apply.CacheOptions{End: d.Size(), VerifyWrites: true}
	if err := runApply(sys, c, fw, d, copts, env); err != nil {
		return err
	}
	return d.Sync()
}
