package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
)

func keygenCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "keygen",
		Usage: "make an Ed25519 signing key pair in fwup's key-file format",
		Flags: []cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "fwup-key", Usage: "write PREFIX.pub and PREFIX.priv"}},
		Action: func(_ context.Context, c *cli.Command) error {
			pub, priv, err := keys.Generate(sys.Rand)
			if err != nil {
				return err
			}
			prefix := c.String("output")
			files := []struct {
				path string
				data []byte
			}{{prefix + ".pub", keys.Encode(pub)}, {prefix + ".priv", keys.Encode(priv)}}
			// Both paths are checked before either is written: half a new
			// pair beside half an old one is worse than no new pair.
			for _, f := range files {
				if _, err := os.Lstat(f.path); err == nil {
					return fmt.Errorf("%s already exists; not overwriting a key (nothing written)", f.path)
				}
			}
			for i, f := range files {
				if err := atomicfile.Write(f.path, 0o600, func(w io.Writer) error { _, err := w.Write(f.data); return err }); err != nil {
					if i > 0 {
						os.Remove(files[0].path)
					}
					return err
				}
			}
			fmt.Fprintf(sys.Stdout, "wrote %s.pub (give it to devices) and %s.priv (keep it secret)\n", prefix, prefix)
			return nil
		},
	}
}

func signCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "sign",
		Usage:     "sign (or re-sign) a .fw archive",
		ArgsUsage: "IN.fw",
		Flags: []cli.Flag{
			signKeyFlag("private key file to sign with", true),
			outputFlag("signed .fw to write", true),
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one input .fw")
			}
			key, err := keys.ReadSigningKey(c.String("sign-key"))
			if err != nil {
				return err
			}
			in, err := os.Open(c.Args().First())
			if err != nil {
				return err
			}
			defer in.Close()
			out := c.String("output")
			f, err := atomicfile.Create(out, 0o644)
			if err != nil {
				return err
			}
			defer f.Abort()
			err = fwup.Resign(ctxio.Writer(ctx, f.File), in, key, cmdline.CreationTime(sys.Env, sys.Now), filepath.Dir(out))
			if named := f.Named(err); named != err {
				return named // writing the output failed
			}
			if err != nil {
				return fmt.Errorf("%s: %w", in.Name(), err)
			}
			return f.Commit()
		},
	}
}
