package squashfs

import (
	"bytes"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/firmwright/firmwright/rootfs"
)

// TestRoundTrip reads our images back with rootfs.FromSquashFS, an
// independent reader, and checks that the tree comes back: this is the
// path a merged root file system takes when it is read again.
func TestRoundTrip(t *testing.T) {
	tree := fullTree()
	epoch := time.Unix(1700000000, 0)
	for _, opts := range []Options{
		{Compression: "gzip"},
		{Compression: "zstd", BlockSize: 4096},
		{Compression: "xz", NoTailEnds: true},
		{Compression: "lz4", NoFragments: true, ModTime: &epoch},
	} {
		t.Run(opts.Compression, func(t *testing.T) {
			t.Parallel()
			got, err := ReadFile(writeImage(t, tree, opts))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Entries) != len(tree.Entries) {
				t.Fatalf("read %d entries, wrote %d", len(got.Entries), len(tree.Entries))
			}
			for i, e := range tree.Entries {
				if err := sameEntry(t, resolve(got, got.Entries[i]), resolve(tree, e), opts.ModTime); err != nil {
					t.Fatalf("%s: %v", e.Path, err)
				}
			}
		})
	}
}

func sameEntry(t *testing.T, got, want *rootfs.Entry, epoch *time.Time) error {
	wantTime := want.ModTime
	if epoch != nil && wantTime.After(*epoch) {
		wantTime = *epoch
	}
	switch {
	case got.Kind != want.Kind:
		return fmt.Errorf("kind %v, want %v", got.Kind, want.Kind)
	case unixPermissions(got.Mode) != unixPermissions(want.Mode):
		return fmt.Errorf("mode %o, want %o", unixPermissions(got.Mode), unixPermissions(want.Mode))
	case got.UID != want.UID || got.GID != want.GID:
		return fmt.Errorf("owner %d:%d, want %d:%d", got.UID, got.GID, want.UID, want.GID)
	case !got.ModTime.Equal(wantTime):
		return fmt.Errorf("mtime %v, want %v", got.ModTime, wantTime)
	case got.Size != want.Size || got.Link != want.Link:
		return fmt.Errorf("size %d link %q, want %d %q", got.Size, got.Link, want.Size, want.Link)
	case got.DevMajor != want.DevMajor || got.DevMinor != want.DevMinor:
		return fmt.Errorf("device %d,%d, want %d,%d", got.DevMajor, got.DevMinor, want.DevMajor, want.DevMinor)
	case len(got.Xattrs) != len(want.Xattrs) || !maps.EqualFunc(got.Xattrs, want.Xattrs, bytes.Equal):
		return fmt.Errorf("xattrs %q, want %q", got.Xattrs, want.Xattrs)
	}
	if want.Kind == rootfs.File {
		g, err := readAll(got)
		if err != nil {
			return err
		}
		w, err := readAll(want)
		if err != nil {
			return err
		}
		if !bytes.Equal(g, w) {
			return fmt.Errorf("contents differ")
		}
	}
	return nil
}
