package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/rootfs"
)

func initramfsCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "initramfs",
		Usage: "write a directory, tar, cpio or SquashFS tree (plus overlays) as a gzipped newc cpio for the kernel's initramfs",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "base-rootfs", Required: true, Usage: "the tree to start from: a directory (owned by root), rootfs.tar[.gz|…], a cpio archive or a SquashFS image"},
			&cli.StringSliceFlag{Name: "overlay", Usage: "a directory laid over the base (owned by root); repeatable, later wins"},
			&cli.BoolFlag{Name: "no-compress", Usage: "write a plain cpio archive"},
			outputFlag("the file to write", true),
		},
		Action: func(_ context.Context, c *cli.Command) error {
			tmp, err := os.MkdirTemp(sys.Env["TMPDIR"], "firmwright-initramfs-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			tree, err := builder.ReadBase(c.String("base-rootfs"), tmp)
			if err != nil {
				return err
			}
			var layers []rootfs.Layer
			for _, dir := range c.StringSlice("overlay") {
				t, err := rootfs.FromDir(dir, rootfs.RootOwned)
				if err != nil {
					return err
				}
				l := rootfs.OverlayLayer(dir, t)
				l.FillsMountPoints = true // nothing is mounted over an initramfs
				layers = append(layers, l)
			}
			if tree, err = rootfs.Merge(tree, layers...); err != nil {
				return err
			}
			mtime, err := sourceDate(sys.Env)
			if err != nil {
				return err
			}
			if mtime != nil {
				tree = tree.WithModTime(*mtime)
			}
			out := c.String("output")
			err = atomicfile.Write(out, 0o644, func(f io.Writer) error {
				w := ctxio.Writer(sys.Ctx(), f)
				if c.Bool("no-compress") {
					return rootfs.WriteCPIO(w, tree)
				}
				zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
				if err != nil {
					return err
				}
				if err := rootfs.WriteCPIO(zw, tree); err != nil {
					return err
				}
				return zw.Close()
			})
			if err != nil {
				return fmt.Errorf("%s: %w", out, err)
			}
			fi, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(sys.Stdout, stageLine(fmt.Sprintf("%s, %d entries", out, len(tree.Entries)), 0, fi.Size()))
			return nil
		},
	}
}
