package main

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/builder"
)

func initramfsCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "initramfs",
		Usage: "write a directory, tar, cpio or SquashFS tree (plus overlays) as a gzipped newc cpio for the kernel's initramfs",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "base-rootfs", Required: true, Usage: "the tree to start from: a directory (owned by root), rootfs.tar[.gz|…], a cpio archive, a SquashFS or an ext2/3/4 image"},
			&cli.StringSliceFlag{Name: "overlay", Usage: "a directory laid over the base (owned by root); repeatable, later wins"},
			&cli.BoolFlag{Name: "no-compress", Usage: "write a plain cpio archive"},
			outputFlag("the file to write", true),
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			mtime, err := sourceDate(sys.Env)
			if err != nil {
				return err
			}
			tmp, err := os.MkdirTemp(sys.Env["TMPDIR"], "firmwright-initramfs-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			spec := builder.Initramfs{Base: c.String("base-rootfs"), Overlays: c.StringSlice("overlay"), ModTime: mtime,
				Plain: c.Bool("no-compress"), TempDir: tmp}
			out := c.String("output")
			n, err := spec.Write(ctx, out)
			if err != nil {
				return err
			}
			fi, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(sys.Stdout, stageLine(fmt.Sprintf("%s, %d entries", out, n), 0, fi.Size()))
			return nil
		},
	}
}
