package builder

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/rootfs"
)

// Initramfs is a tree for the kernel's initramfs: a base (a directory,
// tar, cpio or SquashFS image) with overlays over it.
type Initramfs struct {
	Base     string
	Overlays []string
	// ModTime, when set (SOURCE_DATE_EPOCH), is every entry's mtime.
	ModTime *time.Time
	// Plain writes the cpio archive uncompressed.
	Plain bool
	// TempDir holds decompressed bases.
	TempDir string
}

// Write writes the tree to path as a newc cpio archive, gzipped unless
// Plain (whole or not at all), and returns its number of entries.
func (s *Initramfs) Write(ctx context.Context, path string) (int, error) {
	tree, err := ReadBase(s.Base, s.TempDir)
	if err != nil {
		return 0, err
	}
	var layers []rootfs.Layer
	for _, dir := range s.Overlays {
		t, err := rootfs.FromDir(dir, rootfs.RootOwned)
		if err != nil {
			return 0, err
		}
		l := rootfs.OverlayLayer(dir, t)
		l.FillsMountPoints = true // nothing is mounted over an initramfs
		layers = append(layers, l)
	}
	if tree, err = rootfs.Merge(tree, layers...); err != nil {
		return 0, err
	}
	if s.ModTime != nil {
		tree = tree.WithModTime(*s.ModTime)
	}
	err = atomicfile.Write(path, 0o644, func(f io.Writer) error {
		w := ctxio.Writer(ctx, f)
		if s.Plain {
			return rootfs.WriteCPIO(w, tree)
		}
		zw, err := newGzipWriter(w)
		if err != nil {
			return err
		}
		if err := rootfs.WriteCPIO(zw, tree); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return len(tree.Entries), nil
}
