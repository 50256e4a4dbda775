package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/rootfs/squashfs"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/rootfs"
)

func unpackCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "unpack",
		Usage:     "list or extract the root filesystem inside a .fw",
		ArgsUsage: "FILE.fw",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "resource", Value: "rootfs.img", Usage: "the file-resource holding the SquashFS image"},
			&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "list the files (the default without --output)"},
			outputFlag("extract into this new directory", false),
		},
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			fw := c.Args().First()
			img, err := extractResource(fw, c.String("resource"))
			if err != nil {
				return err
			}
			defer os.Remove(img)
			tree, err := squashfs.ReadFile(img)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", fw, c.String("resource"), err)
			}
			if out := c.String("output"); out != "" {
				root := os.Geteuid() == 0
				return rootfs.Extract(tree, out, rootfs.ExtractOptions{Owners: root, Devices: root,
					Skipped: func(p, why string) { fmt.Fprintf(sys.Stderr, "skipped %s: %s\n", p, why) }})
			}
			for _, e := range tree.Entries {
				fmt.Fprintln(sys.Stdout, rootfs.ListLine(e))
			}
			return nil
		},
	}
}

// extractResource copies a resource out of an archive into a temporary
// file and returns its path.
func extractResource(fw, name string) (string, error) {
	f, err := os.Open(fw)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr := archive.NewReader(f)
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("%s: no resource %s", fw, name)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %s", fw, cmdline.ArchiveMessage(err))
		}
		if h.Name != meta.EntryName(name) {
			continue
		}
		tmp, err := os.CreateTemp("", "firmwright-unpack-*.img")
		if err != nil {
			return "", err
		}
		if _, err := io.Copy(tmp, zr); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return "", fmt.Errorf("%s: %s: %s", fw, name, cmdline.ArchiveMessage(err))
		}
		if err := tmp.Close(); err != nil {
			os.Remove(tmp.Name())
			return "", err
		}
		return tmp.Name(), nil
	}
}
