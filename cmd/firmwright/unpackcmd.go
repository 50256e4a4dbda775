package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

func unpackCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "unpack",
		Usage:     "unpack a .fw for inspection, as mix firmware.unpack: meta.conf, data/, the root filesystem in rootfs/",
		ArgsUsage: "FILE.fw",
		Description: "With --output, makes the folder and writes there every entry of the archive (meta.conf, its\n" +
			"signature, data/ with each resource) and the root filesystem unsquashed in rootfs/. Without root,\n" +
			"owners and device nodes cannot be made: a line says how many were left out. Without --output,\n" +
			"lists the root filesystem.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "resource", Value: "rootfs.img", Usage: "the file-resource holding the SquashFS root filesystem"},
			&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "list the root filesystem (the default without --output)"},
			outputFlag("the new folder to unpack into", false),
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return usage(c, "give one .fw file")
			}
			fw, resource := c.Args().First(), c.String("resource")
			if out := c.String("output"); out != "" && !c.Bool("list") {
				return unpackTo(ctx, sys, fw, resource, out)
			}
			return listRootfs(sys, fw, resource)
		},
	}
}

// listRootfs lists the root filesystem inside fw.
func listRootfs(sys *system, fw, resource string) error {
	tmp, err := os.MkdirTemp(sys.Env["TMPDIR"], "firmwright-unpack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := unzipFw(context.Background(), fw, tmp); err != nil {
		return err
	}
	tree, err := readRootfs(fw, tmp, resource)
	if err != nil {
		return err
	}
	for _, e := range tree.Entries {
		fmt.Fprintln(sys.Stdout, rootfs.ListLine(e))
	}
	return nil
}

// unpackTo makes out with fw's entries and its root filesystem in
// rootfs/. It is made under a temporary name beside out and renamed
// when whole.
func unpackTo(ctx context.Context, sys *system, fw, resource, out string) error {
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("%s already exists; unpack makes a new folder", out)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".unpacking-")
	if err != nil {
		return fmt.Errorf("%s: %w", out, errors.Unwrap(err))
	}
	defer os.RemoveAll(tmp) // nothing there once renamed
	if err := unzipFw(ctx, fw, tmp); err != nil {
		return err
	}
	tree, err := readRootfs(fw, tmp, resource)
	if err != nil {
		return err
	}
	asRoot := os.Geteuid() == 0
	skipped := map[string]int{}
	err = rootfs.Extract(tree, filepath.Join(tmp, "rootfs"), rootfs.ExtractOptions{Owners: asRoot, Devices: asRoot,
		Skipped: func(_, why string) { skipped[why]++ }})
	if err != nil {
		return fmt.Errorf("%s: %s: %w", fw, resource, err)
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(sys.Stdout, "unpacked %s into %s: meta.conf, data/, rootfs/ (%d entries)\n", fw, out, len(tree.Entries))
	if !asRoot {
		fmt.Fprintln(sys.Stdout, "not run as root: rootfs/ files are owned by you, not by their owners in the image")
	}
	for _, why := range slices.Sorted(maps.Keys(skipped)) {
		fmt.Fprintf(sys.Stdout, "left out %d %s (%s)\n", skipped[why], plural(skipped[why], "entry", "entries"), why)
	}
	return nil
}

// unzipFw writes every entry of fw below dir, as unzip does.
func unzipFw(ctx context.Context, fw, dir string) error {
	f, err := os.Open(fw)
	if err != nil {
		return err
	}
	defer f.Close()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	zr := archive.NewReader(ctxio.Reader(ctx, f))
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %s", fw, cmdline.ArchiveMessage(err))
		}
		if err := writeEntry(root, h.Name, zr); err != nil {
			return fmt.Errorf("%s: %s: %s", fw, h.Name, cmdline.ArchiveMessage(err))
		}
	}
}

// writeEntry writes one archive entry through root, which keeps every
// name inside it.
func writeEntry(root *os.Root, name string, r io.Reader) error {
	if !filepath.IsLocal(name) || strings.HasSuffix(name, "/") {
		return errors.New("not a file name inside the archive")
	}
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	w, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// readRootfs reads the unzipped resource as a SquashFS image.
func readRootfs(fw, dir, resource string) (*rootfs.Tree, error) {
	img := filepath.Join(dir, filepath.FromSlash(meta.EntryName(resource)))
	f, err := os.Open(img)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no resource %s", fw, resource)
	}
	if err != nil {
		return nil, err
	}
	magic := make([]byte, 4)
	_, err = io.ReadFull(f, magic)
	f.Close()
	if err != nil || string(magic) != "hsqs" {
		return nil, fmt.Errorf("%s: %s is not a SquashFS image (in a delta update it is a patch; unpack the full .fw)", fw, resource)
	}
	tree, err := squashfs.ReadFile(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", fw, resource, err)
	}
	return tree, nil
}
