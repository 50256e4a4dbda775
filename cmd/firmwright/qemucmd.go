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
		Description: "IMAGE is a disk image (firmwright build --image, or firmwright image) of the qemu-aarch64 system,\n" +
			"booted on QEMU's virt machine, or of rpi3-64, booted on raspi3b; --machine is taken from the\n" +
			"image's U-Boot environment (nerves_fw_platform) when not given.\n" +
			"virt: IMAGE is the guest's /dev/vda, and the guest writes to it; --disk images follow as\n" +
			"/dev/vdb, /dev/vdc.\n" +
			"raspi3b: firmwright qemu does what the Pi's firmware does and QEMU does not: it reads\n" +
			"autoboot.txt on partition 1 (boot_partition, tryboot_a_b, [tryboot]), then the boot partition's\n" +
			"config.txt (kernel=, initramfs, device_tree=, else bcm2710-rpi-3-b.dtb) and cmdline.txt, in\n" +
			"which console=serial0 is the PL011 (ttyAMA0), QEMU's serial port. A reboot with the command\n" +
			"\"0 tryboot\" sets the tryboot flag for the next boot only; any other reboot, or a power cycle\n" +
			"(--power-cycle-on), clears it. The card is IMAGE rounded up to a power of two, as QEMU wants:\n" +
			"a sparse copy, so what the guest writes is gone when QEMU stops, unless --in-place (IMAGE\n" +
			"itself, extended with a hole). --disk images are USB mass storage: /dev/sda, /dev/sdb. RAM is\n" +
			"the board's 1G and 4 cores; there is no network, GPU firmware, EEPROM or Wi-Fi.\n" +
			"The serial console is on the terminal (Ctrl-A X quits QEMU). With --expect, the command\n" +
			"succeeds as soon as the patterns have appeared on the console in order, and fails when the\n" +
			"guest powers off or --timeout passes first.",
		// Regular expressions may hold commas.
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "machine", Usage: "virt or raspi3b (default: from the image's platform)"},
			&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Usage: "guest memory (QEMU's -m; default " + qemu.DefaultMemory + " on virt; raspi3b has 1G)"},
			&cli.IntFlag{Name: "cpus", Usage: fmt.Sprintf("guest CPUs (QEMU's -smp; default %d on virt; raspi3b has 4)", qemu.DefaultCPUs)},
			&cli.StringSliceFlag{Name: "disk", Usage: "another raw disk image for the guest: /dev/vdb, then /dev/vdc… on virt; USB storage, /dev/sda… on raspi3b; repeatable"},
			&cli.BoolFlag{Name: "in-place", Usage: "raspi3b: boot IMAGE itself, extended to a power of two, rather than a sparse copy, so that what the guest writes stays"},
			&cli.StringSliceFlag{Name: "power-cycle-on", Usage: "a regular expression: when the console shows it, cut the power (stop QEMU, start it again cold, no tryboot); repeatable, each once, in order"},
			&cli.StringSliceFlag{Name: "forward", Usage: "forward a host TCP port to the guest, [HOSTADDR:]HOSTPORT:GUESTPORT (HOSTADDR defaults to 127.0.0.1), e.g. 2222:22 for its SSH; repeatable. The guest is 10.0.2.15/24 on QEMU's user networking, gateway 10.0.2.2"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop QEMU and fail after this long (e.g. 5m; reboots included)"},
			&cli.StringSliceFlag{Name: "expect", Usage: "a regular expression to wait for on the console; repeatable, seen in order; after the last one QEMU is stopped"},
			&cli.StringFlag{Name: "qemu", Value: qemu.DefaultQEMU, Usage: "the QEMU binary"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one disk image")
			}
			expect, err := compileAll("expect", c.StringSlice("expect"))
			if err != nil {
				return err
			}
			cycle, err := compileAll("power-cycle-on", c.StringSlice("power-cycle-on"))
			if err != nil {
				return err
			}
			var forwards []qemu.Forward
			for _, spec := range c.StringSlice("forward") {
				f, err := qemu.ParseForward(spec)
				if err != nil {
					return fmt.Errorf("qemu: %w", err)
				}
				forwards = append(forwards, f)
			}
			if c.IsSet("cpus") && c.Int("cpus") < 1 {
				return errors.New("qemu: --cpus must be at least 1")
			}
			machine, err := qemuMachine(c.Args().First(), c.String("machine"))
			if err != nil {
				return err
			}
			// Stop QEMU, rather than leave it running, when we are stopped.
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			err = qemu.Run(ctx, qemu.Options{
				Machine: machine, Image: c.Args().First(), InPlace: c.Bool("in-place"),
				QEMU: c.String("qemu"), Memory: c.String("memory"), CPUs: c.Int("cpus"),
				ExtraDisks: c.StringSlice("disk"), Forwards: forwards, Timeout: c.Duration("timeout"), Expect: expect, PowerCycleOn: cycle,
				Stdin: sys.Stdin, Stdout: sys.Stdout, Stderr: sys.Stderr,
			})
			if errors.Is(err, context.Canceled) {
				return errors.New("qemu: interrupted; QEMU stopped")
			}
			return err
		},
	}
}

// qemuMachine is the machine to boot the image at path on: the one asked
// for, which must suit the image's firmware, or the one its platform
// needs. An image is refused before anything touches it when its firmware
// is for a board no machine emulates (it would only time out on a blank
// console).
func qemuMachine(path, asked string) (qemu.Machine, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var want qemu.Machine
	if asked != "" {
		if want, err = qemu.ParseMachine(asked); err != nil {
			return "", fmt.Errorf("qemu: %w", err)
		}
	}
	platform, ok := systems.ImagePlatform(f)
	if !ok {
		if want == "" {
			want = qemu.Virt
		}
		return want, nil
	}
	m, err := qemu.MachineFor(platform)
	if err != nil {
		return "", fmt.Errorf("%s: %w (its U-Boot environment names the platform)", path, err)
	}
	if want != "" && want != m {
		return "", fmt.Errorf("%s is firmware for %s (its U-Boot environment says so), which boots on --machine %s, not %s", path, platform, m, want)
	}
	return m, nil
}

// compileAll compiles a repeatable flag's regular expressions.
func compileAll(flag string, exprs []string) ([]*regexp.Regexp, error) {
	var res []*regexp.Regexp
	for _, e := range exprs {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, fmt.Errorf("qemu: --%s: %w", flag, err)
		}
		res = append(res, re)
	}
	return res, nil
}
