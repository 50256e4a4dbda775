package builder

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"

	"github.com/firmwright/firmwright/internal/atomicfile"
)

// gzipKernel writes src gzipped (level 9, no name or time in the header,
// so the same kernel gives the same bytes) as dir/NAME.gz. Buildroot's Pi
// defconfigs make an uncompressed Image that may not fit a Nerves-sized
// boot partition; the Raspberry Pi firmware loads gzipped kernels, and
// the systems that say so take Image.gz.
func gzipKernel(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, filepath.Base(src)+".gz")
	out, err := atomicfile.Create(dst, 0o644)
	if err != nil {
		return "", err
	}
	defer out.Abort()
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(zw, in); err != nil {
		return "", fmt.Errorf("%s: %w", src, err)
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return dst, out.Commit()
}
