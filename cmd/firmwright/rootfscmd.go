package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// elfTargets are the --arch values: what a release's native code must be
// built for.
var elfTargets = map[string]*rootfs.Target{
	"aarch64": &rootfs.TargetAArch64,
	"armhf":   &rootfs.TargetARMHardFloat,
	"x86_64":  &rootfs.TargetX86_64,
	"none":    nil,
}

func rootfsCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:  "rootfs",
		Usage: "build the SquashFS root filesystem: a Buildroot base, an OTP release at /srv/erlang, erlinit.config, overlays",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "base", Required: true, Usage: "the base: rootfs.tar[.gz|.zst|.bz2|.xz], rootfs.cpio[.gz], rootfs.squashfs, or a directory (owned by root)"},
			&cli.StringFlag{Name: "release", Required: true, Usage: "the `mix release` directory"},
			&cli.StringSliceFlag{Name: "overlay", Usage: "a directory laid over the image (owned by root); repeatable, later wins"},
			&cli.StringSliceFlag{Name: "delete", Usage: "a path pattern to remove from the base (path.Match); repeatable"},
			&cli.StringFlag{Name: "erlinit", Usage: "erlinit options merged into the base's /etc/erlinit.config"},
			&cli.StringFlag{Name: "arch", Value: "none", Usage: "the release's native code must be for: aarch64, armhf, x86_64 or none"},
			&cli.StringFlag{Name: "compression", Value: "gzip", Usage: "gzip, zstd, xz or lz4"},
			&cli.IntFlag{Name: "block-size", Value: 128 << 10, Usage: "SquashFS block size in bytes"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "the image to write"},
		},
		Action: func(_ context.Context, c *cli.Command) error {
			target, ok := elfTargets[c.String("arch")]
			if !ok {
				return fmt.Errorf("--arch %s: expected aarch64, armhf, x86_64 or none", c.String("arch"))
			}
			mtime, err := sourceDate(sys.env)
			if err != nil {
				return err
			}
			tmp, err := os.MkdirTemp("", "firmwright-rootfs-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			st := &stages{w: sys.stdout, now: sys.now}
			spec := rootfsSpec{base: c.String("base"), release: c.String("release"), overlays: c.StringSlice("overlay"),
				delete: c.StringSlice("delete"), erlinit: c.String("erlinit"), target: target, mtime: mtime, tmp: tmp}
			tree, order, err := spec.build(st)
			if err != nil {
				return err
			}
			out := c.String("output")
			opts := squashfs.Options{Compression: c.String("compression"), BlockSize: int(c.Int("block-size")), Order: order}
			if mtime != nil {
				// Every inode time is the epoch's, so that touching an
				// input changes nothing (mksquashfs -all-time), and
				// ModTime makes it the image's mkfs_time too.
				tree = tree.WithModTime(*mtime)
				opts.ModTime = mtime
			}
			err = atomicfile.Write(out, 0o644, func(w io.Writer) error { return squashfs.Write(w.(*os.File), tree, opts) })
			if err != nil {
				return fmt.Errorf("%s: %w", out, err)
			}
			if fi, err := os.Stat(out); err == nil {
				st.done(fmt.Sprintf("squashfs %s, %d entries", c.String("compression"), len(tree.Entries)), fi.Size())
			}
			return nil
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

// stages prints one line per pipeline stage with its time and size.
type stages struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
}

func (s *stages) done(what string, size int64) {
	now := s.now()
	if s.start.IsZero() {
		s.start = now
	}
	line := fmt.Sprintf("%-48s %6.2fs", what, now.Sub(s.start).Seconds())
	if size > 0 {
		line += fmt.Sprintf("  %8.1f MB", float64(size)/1e6)
	}
	fmt.Fprintln(s.w, line)
	s.start = now
}

// rootfsSpec is what the root filesystem is made of.
type rootfsSpec struct {
	base, release, erlinit string
	overlays, delete       []string
	target                 *rootfs.Target
	mtime                  *time.Time
	tmp                    string
}

// build reads the inputs, checks the release and merges everything, and
// returns the tree with its read-ahead file order.
func (s rootfsSpec) build(st *stages) (*rootfs.Tree, []string, error) {
	st.start = st.now()
	base, err := readBase(s.base, s.tmp)
	if err != nil {
		return nil, nil, err
	}
	st.done(fmt.Sprintf("base %s, %d entries", filepath.Base(s.base), len(base.Entries)), 0)

	rel, err := rootfs.FromDir(s.release, rootfs.RootOwned)
	if err != nil {
		return nil, nil, err
	}
	if err := rootfs.CheckRelease(rel); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.release, err)
	}
	rel = rootfs.ScrubRelease(rel)
	if s.target != nil {
		if err := rootfs.CheckELF(rel, *s.target); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.release, err)
		}
	}
	st.done(fmt.Sprintf("release %s, %d entries after scrubbing", filepath.Base(s.release), len(rel.Entries)), 0)

	layers := []rootfs.Layer{rootfs.ReleaseLayer(rel)}
	if len(s.delete) > 0 {
		// Deletions apply to the base, before anything is laid on it.
		layers[0].Delete = s.delete
	}
	cfg, bootName, err := s.erlinitConfig(base)
	if err != nil {
		return nil, nil, err
	}
	if cfg != nil {
		mt := time.Unix(0, 0)
		if s.mtime != nil {
			mt = *s.mtime
		}
		layers = append(layers, rootfs.ErlinitLayer(cfg, mt))
	}
	for _, dir := range s.overlays {
		t, err := rootfs.FromDir(dir, rootfs.RootOwned)
		if err != nil {
			return nil, nil, err
		}
		layers = append(layers, rootfs.OverlayLayer(dir, t))
	}
	tree, err := rootfs.Merge(base, layers...)
	if err != nil {
		return nil, nil, err
	}
	boot, err := rootfs.BootFile(tree, rootfs.ReleasePath, bootName)
	if err != nil {
		return nil, nil, err
	}
	order, err := rootfs.BootOrder(tree, boot)
	if err != nil {
		return nil, nil, err
	}
	st.done(fmt.Sprintf("merged %d layers, %d entries, boot %s", len(layers), len(tree.Entries), filepath.Base(boot)), 0)
	return tree, order, nil
}

// erlinitConfig merges the user's erlinit options into the base's
// /etc/erlinit.config, and returns the result (nil: leave the base's)
// and the --boot name it gives.
func (s rootfsSpec) erlinitConfig(base *rootfs.Tree) ([]byte, string, error) {
	var system []byte
	if e := base.Lookup(rootfs.ErlinitConfigPath); e != nil && e.Open != nil {
		r, err := e.Open()
		if err != nil {
			return nil, "", err
		}
		system, err = io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, "", err
		}
	}
	cfg := system
	if s.erlinit != "" {
		user, err := os.ReadFile(s.erlinit)
		if err != nil {
			return nil, "", err
		}
		if cfg, err = rootfs.MergeErlinit(system, user); err != nil {
			return nil, "", fmt.Errorf("%s: %w", s.erlinit, err)
		}
	}
	opts, err := rootfs.ParseErlinit(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("erlinit.config: %w", err)
	}
	boot := ""
	for _, o := range opts {
		if o.Name == "boot" {
			boot = o.Value
		}
	}
	if s.erlinit == "" {
		return nil, boot, nil
	}
	return cfg, boot, nil
}

// readBase reads a Buildroot base by what it is.
func readBase(p, tmp string) (*rootfs.Tree, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return rootfs.FromDir(p, rootfs.RootOwned)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 6)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("hsqs")):
		return rootfs.FromSquashFS(p)
	case bytes.HasPrefix(head, []byte("07070")), strings.Contains(filepath.Base(p), ".cpio"):
		return rootfs.FromCPIO(p, tmp)
	}
	t, err := rootfs.FromTar(p, tmp)
	if err != nil {
		return nil, fmt.Errorf("%w (a base is a tar, a cpio archive, a SquashFS image or a directory)", err)
	}
	return t, nil
}
