package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
)

// exitCode carries a command's exit status out of urfave/cli.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func newApp(sys *system) *cli.Command {
	app := &cli.Command{
		Name:      "firmwright",
		Usage:     "build, sign and inspect Nerves-style firmware (.fw) for Raspberry Pi",
		Writer:    sys.Stdout,
		ErrWriter: sys.Stderr,
		// --version is ours (urfave/cli's would print another text).
		HideVersion: true,
		Flags:       []cli.Flag{&cli.BoolFlag{Name: "version", Usage: "print firmwright's version (as the version command)"}},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.Bool("version") {
				printVersion(sys)
				return nil
			}
			return unknownCommand(ctx, c)
		},
		// In the order a user needs them.
		Commands: []*cli.Command{
			buildCommand(sys),
			burnCommand(sys),
			qemuCommand(sys),
			uploadCommand(sys),
			patchCommand(sys),
			applyCommand(sys),
			imageCommand(sys),
			infoCommand(sys),
			verifyCommand(sys),
			keygenCommand(sys),
			signCommand(sys),
			unpackCommand(sys),
			systemsCommand(sys),
			rootfsCommand(sys),
			initramfsCommand(sys),
			createCommand(sys),
			{
				Name:            "fwup",
				Usage:           "run fwup's own command line (same flags, output and exit codes)",
				SkipFlagParsing: true,
				Action: func(_ context.Context, c *cli.Command) error {
					if code := cmdline.Run(sys, c.Args().Slice()); code != 0 {
						return exitCode(code)
					}
					return nil
				},
			},
			versionCommand(sys),
		},
	}
	setUsageErrors(app)
	return app
}

func createCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "create",
		Usage:     "create a .fw archive from an fwup.conf",
		ArgsUsage: "FWUP.CONF",
		Flags: []cli.Flag{
			outputFlag("the .fw to write", true),
			signKeyFlag("private key file to sign with", false),
			noChunkIndexFlag(),
			&cli.IntFlag{Name: "level", Value: 9, Usage: "deflate level 1-9, or 10-12 (past zlib: smaller, slower)"},
		},
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one fwup.conf")
			}
			config := c.Args().First()
			data, err := os.ReadFile(config)
			if err != nil {
				return err
			}
			var key ed25519.PrivateKey
			if path := c.String("sign-key"); path != "" {
				if key, err = keys.ReadSigningKey(path); err != nil {
					return err
				}
			}
			opts := fwup.CreateOptions{Env: sys.Env, Name: config, Dir: filepath.Dir(config),
				Time: cmdline.CreationTime(sys.Env, sys.Now), Level: int(c.Int("level")), Key: key, ChunkIndex: !c.Bool("no-chunk-index")}
			plan, err := fwup.Prepare(data, opts)
			if err != nil {
				if _, ok := err.(*conf.Error); ok {
					return err
				}
				return fmt.Errorf("%s: %w", config, err)
			}
			out := c.String("output")
			if err := atomicfile.Write(out, 0o644, func(w io.Writer) error { return plan.Write(ctxio.Writer(sys.Ctx(), w), opts) }); err != nil {
				return fmt.Errorf("%s: %w", out, err)
			}
			fmt.Fprintf(sys.Stdout, "%s: uuid %s (%s)\n", out, meta.UUID(plan.Meta), meta.Nickname(meta.UUID(plan.Meta)))
			return nil
		},
	}
}

func verifyCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check a .fw archive's hashes, and its signature against public keys",
		ArgsUsage: "FILE.fw",
		Flags:     []cli.Flag{publicKeysFlag("public key file (repeatable); unsigned archives then fail")},
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw")
			}
			pubs, err := keys.ReadCheckingKeys(c.StringSlice("public-key"))
			if err != nil {
				return err
			}
			name := c.Args().First()
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			msg, err := fwup.Verify(f, name, pubs, sys.Env)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Fprintf(sys.Stdout, "%s: %s", name, msg)
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			n, err := fwup.CheckChunks(f, name, pubs, sys.Env)
			if err != nil {
				return fmt.Errorf("%s: %s", name, cmdline.ArchiveMessage(err))
			}
			if n > 0 {
				fmt.Fprintf(sys.Stdout, "  the signed chunk index matches every 128 KiB of %d resources\n", n)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			info, err := fwup.Describe(f, name, nil, sys.Env)
			if err != nil {
				return fmt.Errorf("%s: %s", name, cmdline.ArchiveMessage(err))
			}
			info.WritePatches(sys.Stdout)
			return nil
		},
	}
}

func infoCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "info",
		Usage:     "show a .fw archive's metadata, tasks, resources and signature state",
		ArgsUsage: "FILE.fw",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			publicKeysFlag("public key file to check the signature with (repeatable)"),
		},
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw")
			}
			pubs, err := keys.ReadCheckingKeys(c.StringSlice("public-key"))
			if err != nil {
				return err
			}
			name := c.Args().First()
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			info, err := fwup.Describe(f, name, pubs, sys.Env)
			if err != nil {
				return fmt.Errorf("%s: %s", name, cmdline.ArchiveMessage(err))
			}
			if c.Bool("json") {
				enc := json.NewEncoder(sys.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			info.WriteText(sys.Stdout)
			return nil
		},
	}
}
