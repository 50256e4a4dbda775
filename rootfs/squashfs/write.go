package squashfs

import (
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"time"

	"github.com/firmwright/firmwright/rootfs"
)

// Options are the choices mksquashfs offers that matter for a root file
// system. The zero value is mksquashfs's defaults (gzip, 128 KiB blocks),
// plus tail-end packing.
type Options struct {
	// Compression is "gzip" (the default), "zstd", "xz" or "lz4".
	Compression string
	// BlockSize is the data block size: a power of two from 4 KiB to
	// 1 MiB. 0 means 128 KiB.
	BlockSize int
	// Level is the compression level; 0 means mksquashfs's default for
	// the compressor. gzip: 1..9 (default 9). zstd: 1..22 (default 15).
	// lz4: 0 is LZ4's fast mode; 1..9 selects LZ4 HC with that search
	// depth (mksquashfs -Xhc). xz has no levels.
	Level int
	// NoFragments stores every file in blocks of its own, as mksquashfs
	// -no-fragments. By default files smaller than a block share
	// fragment blocks.
	NoFragments bool
	// NoTailEnds gives the last, partial block of a file larger than a
	// block a block of its own, as mksquashfs does by default. By default
	// here such tails are packed into fragment blocks too (mksquashfs
	// -tailends), which makes images smaller.
	NoTailEnds bool
	// CopyBlocks copies the whole data blocks of files read from a
	// SquashFS image (squashfs.Read) as it stores them, checked but not
	// compressed again, when that image has this one's compressor (gzip)
	// and block size: the image is made in a fraction of the time, its
	// blocks as small as the other image's compressor made them. Without
	// it every block is compressed at Level.
	CopyBlocks bool
	// ModTime, when set, is SOURCE_DATE_EPOCH: it becomes the image's
	// creation time, and inode times later than it are set to it. That
	// is what mksquashfs 4.5 does when SOURCE_DATE_EPOCH is set (not
	// -all-time, which would set every time). Without it, the creation
	// time is the newest inode time, so the output still depends only on
	// the tree.
	ModTime *time.Time
	// Workers is the number of goroutines compressing; 0 means
	// GOMAXPROCS. It changes the speed, never the output.
	Workers int
	// Order lists paths whose contents to store first, in this order
	// (mksquashfs -sort): a device reading the image in order then finds
	// what it needs early, e.g. "sbin/init". A directory stands for the
	// files under it. Paths not in the tree are skipped; files not named
	// follow in tree order.
	Order []string
}

// config is Options with the defaults filled in and checked.
type config struct {
	compression string
	level       int
	blockSize   int
	noFragments bool
	noTailEnds  bool
	copyBlocks  bool
	clamp       *uint32
	workers     int
}

func (o Options) config() (*config, error) {
	cfg := &config{
		compression: o.Compression,
		level:       o.Level,
		blockSize:   o.BlockSize,
		noFragments: o.NoFragments,
		noTailEnds:  o.NoTailEnds,
		copyBlocks:  o.CopyBlocks,
		workers:     o.Workers,
	}
	if cfg.blockSize == 0 {
		cfg.blockSize = defaultBlockSize
	}
	if cfg.blockSize < minBlockSize || cfg.blockSize > maxBlockSize || bits.OnesCount(uint(cfg.blockSize)) != 1 {
		return nil, fmt.Errorf("squashfs: block size %d is not a power of two from 4 KiB to 1 MiB", o.BlockSize)
	}
	if cfg.workers == 0 {
		cfg.workers = runtime.GOMAXPROCS(0)
	}
	if cfg.workers < 0 {
		return nil, fmt.Errorf("squashfs: %d workers", o.Workers)
	}
	if o.ModTime != nil {
		t, err := unixTime(*o.ModTime)
		if err != nil {
			return nil, fmt.Errorf("squashfs: ModTime: %w", err)
		}
		cfg.clamp = &t
	}
	return cfg, nil
}

// Write writes an image of t to w.
//
// It takes an io.WriterAt, not an io.Writer, because SquashFS puts the
// superblock at offset 0 and the superblock records where the tables
// are, which follow the data and depend on how well it compressed:
// Write writes everything from offset 96 on in one pass and the
// superblock last. With only an io.Writer the whole image would have to
// be held or spooled first. Write writes exactly the image's length
// (padded to 4 KiB), so a new or truncated *os.File is all it needs.
func Write(w io.WriterAt, t *rootfs.Tree, opts Options) error {
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	c, err := newCodec(cfg.compression, cfg.level, cfg.blockSize)
	if err != nil {
		return err
	}
	ft, err := buildTree(t, cfg.clamp)
	if err != nil {
		return err
	}
	files := dataOrder(ft, opts.Order)
	if err := hashCandidates(files, cfg.workers); err != nil {
		return err
	}

	sb := superblock{
		inodeCount:  uint32(len(ft.inodes)),
		mkfsTime:    ft.latest,
		blockSize:   uint32(cfg.blockSize),
		compression: c.id,
		blockLog:    uint16(bits.TrailingZeros(uint(cfg.blockSize))),
		flags:       flagDuplicates | flagExportable,
	}
	if cfg.clamp != nil {
		sb.mkfsTime = *cfg.clamp
	}
	switch {
	case cfg.noFragments:
		sb.flags |= flagNoFragments
	case !cfg.noTailEnds:
		sb.flags |= flagAlwaysFragments
	}

	iw := &imageWriter{w: w, pos: superblockSize}
	if c.options != nil {
		// Compressor options are one uncompressed metadata block.
		block, _, err := appendMetadataBlock(nil, c.options, storeOnly{}, nil)
		if err != nil {
			return err
		}
		if err := iw.write(block); err != nil {
			return err
		}
		sb.flags |= flagCompressorOptions
	}

	dw := newDataWriter(iw, c, cfg)
	if err := dw.write(files); err != nil {
		return err
	}
	sb.fragmentCount = uint32(len(dw.fragTable))

	comp, err := c.newCompressor()
	if err != nil {
		return fmt.Errorf("squashfs: compressor: %w", err)
	}
	mw := newMetadataWriter(comp)
	if err := mw.writeDir(ft.root); err != nil {
		return err
	}
	sb.rootInode = ft.root.ref
	sb.idCount = uint16(len(mw.ids.ids))
	if err := writeTables(iw, &sb, mw, dw.fragTable, ft.inodes, comp); err != nil {
		return err
	}
	sb.bytesUsed = iw.pos

	if pad := (imagePadding - iw.pos%imagePadding) % imagePadding; pad > 0 {
		if err := iw.write(make([]byte, pad)); err != nil {
			return err
		}
	}
	iw.pos = 0
	return iw.write(sb.marshal())
}

// writeTables writes the metadata tables after the data, in mksquashfs's
// order, which the kernel relies on when it checks each table's bounds
// against the next one's start.
func writeTables(iw *imageWriter, sb *superblock, mw *metadataWriter, frags []fragmentEntry, inodes []*inode, comp compressor) error {
	inodeTable, err := mw.inodes.bytes()
	if err != nil {
		return err
	}
	dirTable, err := mw.dirs.bytes()
	if err != nil {
		return err
	}
	sb.inodeTableStart = iw.pos
	if err := iw.write(inodeTable); err != nil {
		return err
	}
	sb.directoryTableStart = iw.pos
	if err := iw.write(dirTable); err != nil {
		return err
	}
	if sb.fragmentTableStart, err = iw.writeIndexedTable(marshalFragmentTable(frags), nil, comp); err != nil {
		return err
	}
	if sb.exportTableStart, err = iw.writeIndexedTable(exportTable(inodes), nil, comp); err != nil {
		return err
	}
	if sb.idTableStart, err = iw.writeIndexedTable(mw.ids.marshal(), nil, comp); err != nil {
		return err
	}
	sb.xattrIDTableStart, err = mw.xattrs.write(iw, comp)
	return err
}

// storeOnly is a compressor that never compresses, for blocks that must
// be stored as they are.
type storeOnly struct{}

func (storeOnly) compress(dst, src []byte) ([]byte, error) { return nil, nil }
