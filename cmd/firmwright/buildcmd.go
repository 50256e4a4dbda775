package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/keys"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/systems"
)

func buildCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "build",
		Usage: "build firmware: a system, a Buildroot images/ folder and a mix release become a .fw (and a card image)",
		Description: "Every flag can also be set through an environment variable named FIRMWRIGHT_ and the flag's\n" +
			"name in capitals with _ for - (FIRMWRIGHT_SYSTEM, FIRMWRIGHT_SIGN_KEY); repeatable flags take\n" +
			"comma-separated values there. Flags on the command line win.",
		Flags: withEnv(sys.Env, []cli.Flag{
			&cli.StringFlag{Name: "system", Required: true, Usage: "the board: " + strings.Join(systems.Names(), ", ") + ", or a system folder"},
			&cli.StringFlag{Name: "base", Required: true, Usage: "the Buildroot images/ folder: kernel, DTBs, rpi-firmware/, and rootfs.tar, .squashfs or .ext2/3/4"},
			&cli.StringFlag{Name: "release", Required: true, Usage: "the directory mix release made (its ERTS built for the board)"},
			&cli.StringSliceFlag{Name: "overlay", Usage: "a directory laid over the root filesystem (owned by root); repeatable, later wins"},
			&cli.StringSliceFlag{Name: "delete", Usage: "a path pattern to remove from the base (path.Match); repeatable"},
			&cli.StringFlag{Name: "erlinit", Usage: "erlinit options merged over the system's erlinit.config"},
			&cli.StringFlag{Name: "fwup-conf", Usage: "an fwup.conf to use instead of the system's"},
			&cli.StringSliceFlag{Name: "define", Usage: "NAME=VALUE for fwup.conf, winning over its define()s (e.g. BOOT_A_PART_COUNT=77260); repeatable"},
			&cli.StringFlag{Name: "product", Usage: "meta-product (default: fwup.conf's, \"Nerves Firmware\")"},
			&cli.StringFlag{Name: "version", Usage: "meta-version (default: the release's version)"},
			&cli.StringFlag{Name: "description", Usage: "meta-description"},
			&cli.StringFlag{Name: "author", Usage: "meta-author"},
			&cli.StringFlag{Name: "vcs-identifier", Usage: "meta-vcs-identifier (e.g. the git commit)"},
			&cli.StringFlag{Name: "misc", Usage: "meta-misc"},
			signKeyFlag("private key file to sign the .fw with (firmwright keygen)", false),
			noChunkIndexFlag(),
			&cli.StringFlag{Name: "device-public-key", Usage: "public key file installed as /etc/fwup.pub, with which the device checks its updates; the build must then be signed with its private half"},
			&cli.StringFlag{Name: "device-firmwright", Usage: "firmwright's device binary for the board (cmd/firmwright-device, static), installed as /usr/bin/fwup on a base without fwup and as /sbin/init on a base without erlinit; default: firmwright-device-linux-GOARCH beside this executable, else in " + sharedDeviceDir},
			&cli.StringFlag{Name: "compression", Value: "gzip", Usage: "SquashFS compression: gzip, zstd, xz or lz4, with an optional :LEVEL; gzip:max is smaller than mksquashfs and slower (it also deflates the .fw at that level); without a level a SquashFS base's blocks are copied when its compressor and block size are the image's"},
			&cli.IntFlag{Name: "block-size", Value: 128 << 10, Usage: "SquashFS block size in bytes"},
			&cli.StringFlag{Name: "work-dir", Usage: "keep the intermediate files in this folder, replacing its configs/, system/ and boot/ (the system's fwup.conf, boot file fragments, rootfs.img, and fwup.env, the variables fwup.conf is read with), so that a real fwup -c can make the same .fw"},
			outputFlag("the .fw to write", true),
			&cli.StringFlag{Name: "image", Usage: "also write the card image (the complete task) to this file"},
			&cli.StringFlag{Name: "patch-from", Usage: "an older .fw: also write the delta update from it to this build (as firmwright patch)"},
			&cli.StringFlag{Name: "patch-output", Usage: "where --patch-from's delta goes (default: the output's name with .patch.fw)"},
		}),
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 0 {
				return usage(c, "unexpected argument %q (inputs are given with flags)", c.Args().First())
			}
			s, err := systems.Lookup(c.String("system"))
			if err != nil {
				return fmt.Errorf("--system: %w", err)
			}
			defines := map[string]string{}
			for _, d := range c.StringSlice("define") {
				k, v, ok := strings.Cut(d, "=")
				if !ok || k == "" {
					return usage(c, "--define %q: expected NAME=VALUE", d)
				}
				defines[k] = v
			}
			mtime, err := sourceDate(sys.Env)
			if err != nil {
				return err
			}
			spec := builder.Spec{
				System: s, Images: c.String("base"), Release: c.String("release"),
				Overlays: c.StringSlice("overlay"), Delete: c.StringSlice("delete"), Erlinit: c.String("erlinit"), FwupConf: c.String("fwup-conf"),
				Defines: defines,
				Meta: builder.Meta{Product: c.String("product"), Version: c.String("version"), Description: c.String("description"),
					Author: c.String("author"), VCSIdentifier: c.String("vcs-identifier"), Misc: c.String("misc")},
				DeviceFirmwright: c.String("device-firmwright"), DeviceFirmwrightDirs: deviceBinaryDirs(),
				SquashFS: builder.SquashFS{Compression: c.String("compression"), BlockSize: int(c.Int("block-size"))},
				Output:   c.String("output"), Image: c.String("image"), NoChunkIndex: c.Bool("no-chunk-index"),
				Time: cmdline.CreationTime(sys.Env, sys.Now), ModTime: mtime, Now: sys.Now, TempDir: sys.Env["TMPDIR"], WorkDir: c.String("work-dir"),
				Report: func(st builder.Stage) { fmt.Fprintln(sys.Stdout, stageLine(st.What, st.Took, st.Size)) },
			}
			if p := c.String("sign-key"); p != "" {
				if spec.SignKey, err = keys.ReadSigningKey(p); err != nil {
					return fmt.Errorf("--sign-key: %w", err)
				}
			}
			if p := c.String("device-public-key"); p != "" {
				if spec.PublicKey, err = keys.ReadCheckingKey(p); err != nil {
					return fmt.Errorf("--device-public-key: %w", err)
				}
			}
			res, err := builder.Build(ctx, spec)
			if err != nil {
				return err
			}
			fmt.Fprintf(sys.Stdout, "Firmware built: %s (%s, %s)\n", spec.Output, res.UUID, res.Nickname)
			if old := c.String("patch-from"); old != "" {
				return makePatch(sys, old, spec.Output, patchOutput(spec.Output, c.String("patch-output")))
			}
			return nil
		},
	}
}

// patchOutput is where build --patch-from writes its delta: app.fw's is
// app.patch.fw unless given.
func patchOutput(fw, given string) string {
	if given != "" {
		return given
	}
	return strings.TrimSuffix(fw, ".fw") + ".patch.fw"
}

// sharedDeviceDir is where packages (and the Docker image) put the device
// binaries.
const sharedDeviceDir = "/usr/share/firmwright"

// deviceBinaryDirs are where build looks for the device binary when
// --device-firmwright is not given: beside this executable (as
// scripts/release lays dist/ out), then sharedDeviceDir.
func deviceBinaryDirs() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		if exe, err := filepath.EvalSymlinks(exe); err == nil {
			dirs = append(dirs, filepath.Dir(exe))
		}
	}
	return append(dirs, sharedDeviceDir)
}
