package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
)

func patchCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "patch",
		Usage:     "make a delta update: NEW.fw with its resources as xdelta3 patches against OLD.fw's (mix firmware.patch)",
		ArgsUsage: "OLD.fw NEW.fw",
		Description: "Every resource of NEW.fw that its upgrade tasks give a delta source (delta-source-raw-offset/-count,\n" +
			"delta-source-fat-offset/-path), and that OLD.fw also has, is encoded against OLD.fw's and kept as a patch\n" +
			"when smaller. meta.conf and its signature are NEW.fw's, untouched; a device on OLD.fw applies the patch\n" +
			"to the same result as NEW.fw.",
		Flags: []cli.Flag{
			outputFlag("the delta .fw to write", true),
		},
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() != 2 {
				return usage(c, "give OLD.fw and NEW.fw")
			}
			return makePatch(sys, c.Args().Get(0), c.Args().Get(1), c.String("output"))
		},
	}
}

// makePatch writes the delta update from old to nu at out, a line per
// resource.
func makePatch(sys *system, old, nu, out string) error {
	of, err := os.Open(old)
	if err != nil {
		return err
	}
	defer of.Close()
	nf, err := os.Open(nu)
	if err != nil {
		return err
	}
	defer nf.Close()
	ost, err := of.Stat()
	if err != nil {
		return err
	}
	nst, err := nf.Stat()
	if err != nil {
		return err
	}
	opts := fwup.PatchOptions{TempDir: filepath.Dir(out), Now: sys.Now, Report: func(r fwup.PatchedResource) {
		what := fmt.Sprintf("%s: %.1f MB -> %.1f MB", r.Name, float64(r.Old)/1e6, float64(r.New)/1e6)
		if r.Patched {
			what += fmt.Sprintf(", patch %.2f MB", float64(r.Patch)/1e6)
		} else {
			what += ", kept whole (the patch was no smaller)"
		}
		fmt.Fprintln(sys.Stdout, stageLine(what, r.Took, 0))
	}}
	err = atomicfile.Write(out, 0o644, func(w io.Writer) error {
		return fwup.Patch(ctxio.Writer(sys.Ctx(), w), of, nf, ost.Size(), nst.Size(), opts)
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), "old:") {
			return fmt.Errorf("%s: %s", old, strings.TrimPrefix(err.Error(), "old: "))
		}
		if strings.HasPrefix(err.Error(), "new:") {
			return fmt.Errorf("%s: %s", nu, strings.TrimPrefix(err.Error(), "new: "))
		}
		return fmt.Errorf("patch %s -> %s: %w", old, nu, err)
	}
	if fi, err := os.Stat(out); err == nil {
		fmt.Fprintln(sys.Stdout, stageLine(fmt.Sprintf("%s (delta update from %s)", out, filepath.Base(old)), 0, fi.Size()))
	}
	return nil
}
