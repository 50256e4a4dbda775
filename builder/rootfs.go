package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/firmwright/firmwright/erlang"
	"github.com/firmwright/firmwright/erlang/erlinit"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/ext4"
	"github.com/firmwright/firmwright/rootfs/squashfs"
)

// Rootfs is what a root filesystem is made of: a Buildroot base, an OTP
// release at /srv/erlang, erlinit options, generated files and overlays.
type Rootfs struct {
	// Base is rootfs.tar[.gz|…], rootfs.cpio[.gz], rootfs.squashfs,
	// rootfs.ext2/3/4 or a directory owned by root.
	Base string
	// Release is the directory mix release made.
	Release string
	// ReleaseTree, when set, is Release already read and checked
	// (ReadRelease), as a build does with its other checks.
	ReleaseTree *rootfs.Tree
	// Overlays are directories laid over the image, later ones winning.
	Overlays []string
	// Delete holds path patterns removed from the base.
	Delete []string
	// ErlinitDefaults are the system's erlinit options; nil keeps the
	// base's /etc/erlinit.config as the starting point.
	ErlinitDefaults []byte
	// Erlinit is a file of erlinit options merged over the defaults.
	Erlinit string
	// Target is what native code in the release must be built for; nil
	// checks nothing.
	Target *erlang.ELFTarget
	// Generated are files firmwright adds (ops.fw, a public key), laid
	// after erlinit.config and before the overlays.
	Generated []rootfs.GeneratedFile
	// Device, when set, says what firmwright binary goes on the device
	// (see deviceFiles); the base decides whether it is also init.
	Device func(base *rootfs.Tree) ([]rootfs.GeneratedFile, error)
	// ModTime, when set (SOURCE_DATE_EPOCH), is every inode's mtime.
	ModTime *time.Time
	// TempDir holds decompressed bases.
	TempDir string
}

// Assemble reads the inputs, checks the release and merges everything. It
// returns the tree with its read-ahead file order. Stages go to report
// (which may be nil), timed with now (untimed when nil).
func (s *Rootfs) Assemble(now func() time.Time, report func(Stage)) (*rootfs.Tree, []string, error) {
	return s.assemble(newReporter(now, report))
}

// WriteImage assembles the root filesystem and writes it to path as a
// SquashFS image (whole or not at all), reporting each stage as Assemble
// does and then the image's. It returns the image's size.
func (s *Rootfs) WriteImage(ctx context.Context, path string, opts SquashFS, now func() time.Time, report func(Stage)) (int64, error) {
	return s.writeImage(ctx, path, opts, atomicfile.Write, newReporter(now, report))
}

// writeImage is WriteImage, the image written by write: atomicfile.Write
// for a file that is kept, writeScratch for one in a build's own
// temporary folder.
func (s *Rootfs) writeImage(ctx context.Context, path string, opts SquashFS, write writeFunc, r *reporter) (int64, error) {
	tree, order, err := s.assemble(r)
	if err != nil {
		return 0, err
	}
	if ctx.Err() != nil {
		return 0, context.Cause(ctx)
	}
	cancelOpens(ctx, tree)
	err = write(path, 0o644, func(w io.Writer) error {
		return WriteSquashFS(ctxio.WriterAt(ctx, w.(*os.File)), tree, order, opts, s.ModTime)
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	comp := opts.Compression
	if comp == "" {
		comp = "gzip"
	}
	r.done(fmt.Sprintf("%s SquashFS %s, %d entries", filepath.Base(path), comp, len(tree.Entries)), fi.Size())
	return fi.Size(), nil
}

// ReadRelease reads the release at dir, checks it (and its native code
// against target, when given) and scrubs what a device does not need.
func ReadRelease(dir string, target *erlang.ELFTarget) (*rootfs.Tree, error) {
	rel, err := rootfs.FromDir(dir, rootfs.RootOwned)
	if err != nil {
		return nil, err
	}
	if err := erlang.CheckRelease(rel); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	rel = erlang.ScrubRelease(rel)
	if target != nil {
		if err := erlang.CheckELF(rel, *target); err != nil {
			return nil, fmt.Errorf("%s: %w\n  The release must be built for the board: include_erts pointing at the target's ERTS (Nerves uses the system's staging/usr/lib/erlang/erts-*), NIFs with the target's cross-compiler.", dir, err)
		}
	}
	return rel, nil
}

func (s *Rootfs) assemble(r *reporter) (*rootfs.Tree, []string, error) {
	base, err := ReadBase(s.Base, s.TempDir)
	if err != nil {
		return nil, nil, err
	}
	r.done(fmt.Sprintf("base %s, %d entries", filepath.Base(s.Base), len(base.Entries)), 0)

	rel := s.ReleaseTree
	if rel == nil {
		if rel, err = ReadRelease(s.Release, s.Target); err != nil {
			return nil, nil, err
		}
	}
	r.done(fmt.Sprintf("release %s, %d entries after scrubbing", filepath.Base(s.Release), len(rel.Entries)), 0)

	layers := []rootfs.Layer{rootfs.ReleaseLayer(rel)}
	if len(s.Delete) > 0 {
		// Deletions apply to the base, before anything is laid on it.
		layers[0].Delete = s.Delete
	}
	mt := time.Unix(0, 0)
	if s.ModTime != nil {
		mt = *s.ModTime
	}
	cfg, bootName, err := s.erlinitConfig(base)
	if err != nil {
		return nil, nil, err
	}
	if cfg != nil {
		layers = append(layers, rootfs.ErlinitLayer(cfg, mt))
	}
	generated := s.Generated
	if s.Device != nil {
		files, err := s.Device(base)
		if err != nil {
			return nil, nil, err
		}
		generated = append(generated[:len(generated):len(generated)], files...)
	}
	if len(generated) > 0 {
		layers = append(layers, rootfs.GeneratedLayer("generated by firmwright", mt, generated...))
	}
	for _, dir := range s.Overlays {
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
	boot, err := erlang.BootFile(tree, rootfs.ReleasePath, bootName)
	if err != nil {
		return nil, nil, err
	}
	order, err := erlang.BootOrder(tree, boot)
	if err != nil {
		return nil, nil, err
	}
	r.done(fmt.Sprintf("merged %d layers, %d entries, boot %s", len(layers), len(tree.Entries), filepath.Base(boot)), 0)
	return tree, order, nil
}

// erlinitConfig merges the user's erlinit options into the defaults (the
// system's, or else the base's /etc/erlinit.config) and returns the
// result (nil: leave the base's file as it is) and the --boot name it
// gives.
func (s *Rootfs) erlinitConfig(base *rootfs.Tree) ([]byte, string, error) {
	defaults := s.ErlinitDefaults
	if defaults == nil {
		if e := base.Lookup(rootfs.ErlinitConfigPath); e != nil && e.Open != nil {
			rc, err := e.Open()
			if err != nil {
				return nil, "", err
			}
			defaults, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, "", err
			}
		}
	}
	cfg := defaults
	if s.Erlinit != "" {
		user, err := os.ReadFile(s.Erlinit)
		if err != nil {
			return nil, "", err
		}
		if cfg, err = erlinit.Merge(defaults, user); err != nil {
			return nil, "", fmt.Errorf("%s: %w", s.Erlinit, err)
		}
	}
	opts, err := erlinit.Parse(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("erlinit.config: %w", err)
	}
	boot := ""
	for _, o := range opts {
		if o.Name == "boot" {
			boot = o.Value
		}
	}
	if s.Erlinit == "" && s.ErlinitDefaults == nil {
		return nil, boot, nil
	}
	return cfg, boot, nil
}

// SquashFS are the image's settings.
type SquashFS struct {
	Compression string // gzip (default), zstd, xz or lz4, optionally :LEVEL or gzip:max (squashfs.ParseCompression)
	BlockSize   int    // bytes; 0 is 128 KiB
}

// fwLevel is the deflate level of the .fw's resources: gzip:max's for
// gzip:max, else the default (0).
func (s SquashFS) fwLevel() int {
	if name, level, err := squashfs.ParseCompression(s.Compression); err == nil && name == "gzip" && level == squashfs.GzipMax {
		return level
	}
	return 0
}

// entropyCoded tells whether the image's blocks are compressed with an
// entropy coder (gzip, xz, zstd), which leaves deflate little to find in
// the image; lz4 has none.
func (s SquashFS) entropyCoded() bool {
	name, _, err := squashfs.ParseCompression(s.Compression)
	return err == nil && (name == "" || name == "gzip" || name == "xz" || name == "zstd")
}

// WriteSquashFS writes the tree as a SquashFS image to f.
func WriteSquashFS(f io.WriterAt, tree *rootfs.Tree, order []string, opts SquashFS, mtime *time.Time) error {
	name, level, err := squashfs.ParseCompression(opts.Compression)
	if err != nil {
		return err
	}
	// Without a level, a SquashFS base's blocks are copied when they have
	// the image's compressor and block size (most of a build's time was
	// deflating them again); a level asks for every block at that level.
	so := squashfs.Options{Compression: name, Level: level, BlockSize: opts.BlockSize, Order: order, CopyBlocks: level == 0}
	if mtime != nil {
		// Every inode time is the epoch's, so that touching an input
		// changes nothing (mksquashfs -all-time), and ModTime makes it
		// the image's mkfs_time too.
		tree = tree.WithModTime(*mtime)
		so.ModTime = mtime
	}
	return squashfs.Write(f, tree, so)
}

// ReadBase reads a Buildroot base by what it is: the magic at its start
// (SquashFS, cpio) or at offset 1080 (ext2/3/4), else a tar; a directory
// is a root filesystem tree, unless it is an images/ folder.
func ReadBase(p, tmp string) (*rootfs.Tree, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		if err := notImagesFolder(p); err != nil {
			return nil, err
		}
		return rootfs.FromDir(p, rootfs.RootOwned)
	}
	head, err := readHead(p, ext4.HeadSize)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte("hsqs")):
		return squashfs.ReadFile(p)
	case bytes.HasPrefix(head, []byte("07070")), strings.Contains(filepath.Base(p), ".cpio"):
		return rootfs.FromCPIO(p, tmp)
	case ext4.IsExt(head):
		return ext4.ReadFile(p)
	}
	t, err := rootfs.FromTar(p, tmp)
	if err != nil {
		return nil, fmt.Errorf("%w (a base is a tar, a cpio archive, a SquashFS image, an ext2/ext3/ext4 image or a directory)", err)
	}
	return t, nil
}

// readHead returns up to n bytes from the start of the file at p.
func readHead(p string, n int) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, n)
	got, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return head[:got], nil
}

// baseNames are the root filesystems a Buildroot images/ folder may hold,
// by preference: the tar keeps everything (Nerves 2.0 reads it too); the
// ext images come last because Buildroot names one image rootfs.ext2 and
// links rootfs.ext4 (or .ext3) to it, and any of the names may be there.
var baseNames = []string{"rootfs.tar", "rootfs.tar.gz", "rootfs.tar.zst", "rootfs.tar.xz", "rootfs.squashfs", "rootfs.cpio", "rootfs.cpio.gz",
	"rootfs.ext4", "rootfs.ext3", "rootfs.ext2"}

// FindBase returns the root filesystem in a Buildroot images/ folder.
func FindBase(images string) (string, error) {
	for _, n := range baseNames {
		p := filepath.Join(images, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: no root filesystem: expected one of %s (Buildroot's BR2_TARGET_ROOTFS_TAR, _SQUASHFS or _EXT2)", images, strings.Join(baseNames, ", "))
}
