package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/erlang"
)

func rootfsCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "rootfs",
		Usage: "build the SquashFS root filesystem: a Buildroot base, an OTP release at /srv/erlang, erlinit.config, overlays",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "base-rootfs", Required: true, Usage: "the root filesystem to start from: rootfs.tar[.gz|.zst|.bz2|.xz], rootfs.cpio[.gz], rootfs.squashfs, rootfs.ext2/3/4, or a directory (owned by root)"},
			&cli.StringFlag{Name: "release", Required: true, Usage: "the directory mix release made"},
			&cli.StringSliceFlag{Name: "overlay", Usage: "a directory laid over the image (owned by root); repeatable, later wins"},
			&cli.StringSliceFlag{Name: "delete", Usage: "a path pattern to remove from the base (path.Match); repeatable"},
			&cli.StringFlag{Name: "erlinit", Usage: "erlinit options merged into the base's /etc/erlinit.config"},
			&cli.StringFlag{Name: "arch", Value: "none", Usage: "the release's native code must be for: aarch64, armhf, x86_64 or none"},
			&cli.StringFlag{Name: "compression", Value: "gzip", Usage: "gzip, zstd, xz or lz4, with an optional :LEVEL (gzip 1-12, zstd 1-22, lz4 0-9); gzip:max is smaller than mksquashfs and slower; without a level a SquashFS base's blocks are copied when its compressor and block size are the image's"},
			&cli.IntFlag{Name: "block-size", Value: 128 << 10, Usage: "SquashFS block size in bytes"},
			outputFlag("the image to write", true),
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			var target *erlang.ELFTarget
			if arch := c.String("arch"); arch != "none" {
				t, ok := erlang.ELFTargetNamed(arch)
				if !ok {
					return fmt.Errorf("--arch %s: expected %s or none", arch, strings.Join(erlang.ELFTargetNames(), ", "))
				}
				target = t
			}
			mtime, err := sourceDate(sys.Env)
			if err != nil {
				return err
			}
			// Decompressed bases go beside the output, not in $TMPDIR: on
			// its file system, and where a killed run's leftovers are seen
			// (a SIGKILL runs no deferred cleanup) rather than filling /tmp.
			tmp, err := os.MkdirTemp(filepath.Dir(c.String("output")), ".firmwright-rootfs-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			spec := builder.Rootfs{Base: c.String("base-rootfs"), Release: c.String("release"), Overlays: c.StringSlice("overlay"),
				Delete: c.StringSlice("delete"), Erlinit: c.String("erlinit"), Target: target, ModTime: mtime, TempDir: tmp}
			opts := builder.SquashFS{Compression: c.String("compression"), BlockSize: int(c.Int("block-size"))}
			_, err = spec.WriteImage(ctx, c.String("output"), opts, sys.Now, func(st builder.Stage) {
				fmt.Fprintln(sys.Stdout, stageLine(st.What, st.Took, st.Size))
			})
			return err
		},
	}
}

// sourceDate is SOURCE_DATE_EPOCH, if set. Unlike fwup mode, which
// reads it as fwup does (any strtoull prefix), the native commands refuse
// a value that is not a number.
func sourceDate(env map[string]string) (*time.Time, error) {
	s, ok := env["SOURCE_DATE_EPOCH"]
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH=%q: expected seconds since 1970", s)
	}
	t := time.Unix(n, 0).UTC()
	return &t, nil
}

// stageLine is one progress line: what, how long, how big.
func stageLine(what string, took time.Duration, size int64) string {
	line := fmt.Sprintf("%-56s %6.2fs", what, took.Seconds())
	if size > 0 {
		line += fmt.Sprintf("  %8.1f MB", float64(size)/1e6)
	}
	return line
}
