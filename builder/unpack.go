package builder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// Unpacked is what Unpack made.
type Unpacked struct {
	// Entries is how many entries the root filesystem has.
	Entries int
	// Skipped counts the entries not made, by reason ("device nodes need
	// root").
	Skipped map[string]int
}

// Unpack makes the folder out as mix firmware.unpack does: every entry
// of the archive fw (meta.conf, its signature, data/…) and the root
// filesystem in the resource, unsquashed in rootfs/. Owners and device
// nodes are made when asRoot. out is made under a temporary name beside
// it and renamed when whole.
func Unpack(ctx context.Context, fw, resource, out string, asRoot bool) (*Unpacked, error) {
	if _, err := os.Lstat(out); err == nil {
		return nil, fmt.Errorf("%s already exists; unpack makes a new folder", out)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".unpacking-")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", out, errors.Unwrap(err))
	}
	defer os.RemoveAll(tmp) // nothing is there once renamed
	tree, err := unzipRootfs(ctx, fw, resource, tmp)
	if err != nil {
		return nil, err
	}
	u := &Unpacked{Entries: len(tree.Entries), Skipped: map[string]int{}}
	err = rootfs.Extract(tree, filepath.Join(tmp, "rootfs"), rootfs.ExtractOptions{Owners: asRoot, Devices: asRoot,
		Skipped: func(_, why string) { u.Skipped[why]++ }})
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", fw, resource, err)
	}
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	return u, os.Rename(tmp, out)
}

// ReadFwRootfs reads the root filesystem in the resource of the archive
// fw, unzipping the archive below tmp.
func ReadFwRootfs(fw, resource, tmp string) (*rootfs.Tree, error) {
	return unzipRootfs(context.Background(), fw, resource, tmp)
}

func unzipRootfs(ctx context.Context, fw, resource, dir string) (*rootfs.Tree, error) {
	if err := unzip(ctx, fw, dir); err != nil {
		return nil, err
	}
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

// unzip writes every entry of fw below dir, as unzip does.
func unzip(ctx context.Context, fw, dir string) error {
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
			return fmt.Errorf("%s: %w", fw, err)
		}
		if err := writeEntry(root, h.Name, zr); err != nil {
			return fmt.Errorf("%s: %s: %w", fw, h.Name, err)
		}
	}
}

// writeEntry writes one archive entry through root, which keeps every
// name inside it.
func writeEntry(root *os.Root, name string, r io.Reader) error {
	if !filepath.IsLocal(name) || path.Clean(name) != name {
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
