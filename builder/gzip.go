package builder

import (
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/firmwright/firmwright/internal/deflate"
)

// gzipWriter writes a gzip member (RFC 1952) of internal/deflate's level 9
// stream: no name, no time (so the output depends only on the data), XFL
// 2 (best compression) and OS 255 (unknown), as Go's gzip writes them.
type gzipWriter struct {
	w    io.Writer
	zw   *deflate.Writer
	crc  uint32
	size uint32
}

func newGzipWriter(w io.Writer) (*gzipWriter, error) {
	if _, err := w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255}); err != nil {
		return nil, err
	}
	zw, err := deflate.NewWriter(w, deflate.BestCompression)
	if err != nil {
		return nil, err
	}
	return &gzipWriter{w: w, zw: zw}, nil
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	n, err := g.zw.Write(p)
	g.crc = crc32.Update(g.crc, crc32.IEEETable, p[:n])
	g.size += uint32(n)
	return n, err
}

// Close ends the deflate stream and writes the trailer; it does not close
// the underlying writer.
func (g *gzipWriter) Close() error {
	if err := g.zw.Close(); err != nil {
		return err
	}
	t := binary.LittleEndian.AppendUint32(nil, g.crc)
	t = binary.LittleEndian.AppendUint32(t, g.size)
	_, err := g.w.Write(t)
	return err
}
