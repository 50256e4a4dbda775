package squashfs

import (
	"encoding/binary"
	"fmt"

	"github.com/firmwright/firmwright/internal/deflate"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// Compression ids of the superblock.
const (
	compressionGzip = 1
	compressionXz   = 4
	compressionLz4  = 5
	compressionZstd = 6
)

// Defaults that mksquashfs uses and that the kernel assumes when an image
// carries no compressor options.
const (
	gzipDefaultLevel  = 9
	gzipDefaultWindow = 15
	zstdDefaultLevel  = 15
	lz4Legacy         = 1 // the only lz4 format version the kernel reads
	lz4FlagHC         = 1
)

// GzipMax is the gzip level that --compression gzip:max names. Levels
// past zlib's 9 (10..12) are internal/deflate's near-optimal parse,
// smaller than mksquashfs -comp gzip and slower. The image records level
// 9 for them (the kernel reads no level; unsquashfs takes 1..9).
const GzipMax = 12

// compressor compresses one block at a time. Every block is compressed on
// its own, with no state carried from one to the next, so that the output
// does not depend on which goroutine compressed what. A compressor is not
// safe for concurrent use; each goroutine owns one.
type compressor interface {
	// compress returns src compressed, in dst's storage if it is large
	// enough, or nil when that would not be smaller than src: SquashFS
	// then stores the block as it is.
	compress(dst, src []byte) ([]byte, error)
}

// codec is a compression method as the image records it.
type codec struct {
	id uint16
	// options is the compressor options block that follows the
	// superblock, or nil when the kernel's defaults apply.
	options       []byte
	newCompressor func() (compressor, error)
}

// newCodec checks the compression settings and describes them.
func newCodec(name string, level, blockSize int) (*codec, error) {
	le := binary.LittleEndian
	switch name {
	case "", "gzip":
		if level == 0 {
			level = gzipDefaultLevel
		}
		if level < 1 || level > deflate.BestRatio {
			return nil, fmt.Errorf("squashfs: gzip level %d is outside 1..%d", level, deflate.BestRatio)
		}
		c := &codec{id: compressionGzip, newCompressor: func() (compressor, error) {
			z, err := deflate.NewCompressor(level)
			if err != nil {
				return nil, err
			}
			return &zlibCompressor{z: z}, nil
		}}
		// As mksquashfs: options only when they differ from the defaults,
		// which keeps images readable by the oldest gzip readers.
		if level < gzipDefaultLevel {
			c.options = le.AppendUint32(nil, uint32(level))
			c.options = le.AppendUint16(c.options, gzipDefaultWindow)
			c.options = le.AppendUint16(c.options, 0) // strategies: default only
		}
		return c, nil
	case "zstd":
		if level == 0 {
			level = zstdDefaultLevel
		}
		if level < 1 || level > 22 {
			return nil, fmt.Errorf("squashfs: zstd level %d is outside 1..22", level)
		}
		c := &codec{id: compressionZstd, newCompressor: func() (compressor, error) {
			enc, err := zstd.NewWriter(nil,
				zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)),
				zstd.WithEncoderConcurrency(1),
				zstd.WithEncoderCRC(false),
				// A single-segment frame declares its content size
				// instead of a window: the kernel only accepts windows
				// up to the block size.
				zstd.WithSingleSegment(true))
			if err != nil {
				return nil, err
			}
			return &zstdCompressor{enc: enc}, nil
		}}
		if level != zstdDefaultLevel {
			c.options = le.AppendUint32(nil, uint32(level))
		}
		return c, nil
	case "xz":
		if level != 0 {
			return nil, fmt.Errorf("squashfs: xz has no compression levels (got %d)", level)
		}
		// The kernel preallocates a dictionary of the block size (when
		// there are no options) and checks only CRC32.
		cfg := xz.WriterConfig{DictCap: blockSize, CheckSum: xz.CRC32}
		if err := cfg.Verify(); err != nil {
			return nil, fmt.Errorf("squashfs: xz: %w", err)
		}
		return &codec{id: compressionXz, newCompressor: func() (compressor, error) {
			return &xzCompressor{cfg: cfg}, nil
		}}, nil
	case "lz4":
		if level < 0 || level > 9 {
			return nil, fmt.Errorf("squashfs: lz4 level %d is outside 0 (fast) or 1..9 (high compression)", level)
		}
		// The kernel refuses lz4 images without options; it wants the
		// legacy (block) format, version 1.
		var flags uint32
		if level > 0 {
			flags = lz4FlagHC
		}
		c := &codec{id: compressionLz4, newCompressor: func() (compressor, error) {
			if level == 0 {
				return &lz4Compressor{block: new(lz4.Compressor)}, nil
			}
			return &lz4Compressor{block: &lz4.CompressorHC{Level: lz4.Level1 << (level - 1)}}, nil
		}}
		c.options = le.AppendUint32(nil, lz4Legacy)
		c.options = le.AppendUint32(c.options, flags)
		return c, nil
	}
	return nil, fmt.Errorf("squashfs: unknown compression %q (want gzip, zstd, xz or lz4)", name)
}

// appendWriter collects what a streaming compressor writes.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// smaller returns out when it saves space over src, nil otherwise.
func smaller(out, src []byte) []byte {
	if len(out) >= len(src) {
		return nil
	}
	return out
}

// zlibCompressor makes zlib streams, which is what SquashFS calls gzip,
// with internal/deflate: at level 9 no larger than zlib's (mksquashfs's)
// in about half its time.
type zlibCompressor struct{ z *deflate.Compressor }

func (c *zlibCompressor) compress(dst, src []byte) ([]byte, error) {
	return smaller(c.z.AppendZlib(dst[:0], src), src), nil
}

type zstdCompressor struct{ enc *zstd.Encoder }

func (c *zstdCompressor) compress(dst, src []byte) ([]byte, error) {
	return smaller(c.enc.EncodeAll(src, dst[:0]), src), nil
}

type xzCompressor struct {
	cfg xz.WriterConfig
	out appendWriter
}

func (c *xzCompressor) compress(dst, src []byte) ([]byte, error) {
	c.out.b = dst[:0]
	w, err := c.cfg.NewWriter(&c.out)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return smaller(c.out.b, src), nil
}

// lz4Compressor makes raw lz4 blocks (not frames), as the kernel's
// LZ4_decompress_safe reads them.
type lz4Compressor struct {
	block interface {
		CompressBlock(src, dst []byte) (int, error)
	}
}

func (c *lz4Compressor) compress(dst, src []byte) ([]byte, error) {
	if bound := lz4.CompressBlockBound(len(src)); cap(dst) < bound {
		dst = make([]byte, bound)
	}
	n, err := c.block.CompressBlock(src, dst[:cap(dst)])
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	return smaller(dst[:n], src), nil
}
