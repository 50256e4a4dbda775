package builder

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
)

// WritePatch writes the delta update from the .fw old to the .fw nu at
// out (whole or not at all), reporting each resource as a Stage timed
// with now, and returns its size.
func WritePatch(ctx context.Context, old, nu, out string, now func() time.Time, report func(Stage)) (int64, error) {
	of, err := os.Open(old)
	if err != nil {
		return 0, err
	}
	defer of.Close()
	nf, err := os.Open(nu)
	if err != nil {
		return 0, err
	}
	defer nf.Close()
	ost, err := of.Stat()
	if err != nil {
		return 0, err
	}
	nst, err := nf.Stat()
	if err != nil {
		return 0, err
	}
	opts := fwup.PatchOptions{TempDir: filepath.Dir(out), Now: now, Report: func(r fwup.PatchedResource) {
		what := fmt.Sprintf("%s: %.1f MB -> %.1f MB", r.Name, float64(r.Old)/1e6, float64(r.New)/1e6)
		if r.Patched {
			what += fmt.Sprintf(", patch %.2f MB", float64(r.Patch)/1e6)
		} else {
			what += ", kept whole (the patch was no smaller)"
		}
		if report != nil {
			report(Stage{What: what, Took: r.Took})
		}
	}}
	err = atomicfile.Write(out, 0o644, func(w io.Writer) error {
		return fwup.Patch(ctxio.Writer(ctx, w), of, nf, ost.Size(), nst.Size(), opts)
	})
	if err != nil {
		// fwup.Patch says which input it means by "old:" and "new:".
		if rest, ok := strings.CutPrefix(err.Error(), "old: "); ok {
			return 0, fmt.Errorf("%s: %s", old, rest)
		}
		if rest, ok := strings.CutPrefix(err.Error(), "new: "); ok {
			return 0, fmt.Errorf("%s: %s", nu, rest)
		}
		return 0, fmt.Errorf("patch %s -> %s: %w", old, nu, err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
