package fwup

import (
	"crypto/ed25519"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/meta"
)

// Resign rewrites an archive signed with key, as fwup -S does: any old
// signature is dropped, meta.conf is signed and stamped with t, and every
// other entry is recompressed (level 9, fwup mode's encoder) in order,
// but for stored entries that carry their CRC (firmwright build's), which
// are copied. Entries whose local
// header lacks their size are spooled to a temporary file in tmpDir, since
// the output carries each size up front.
func Resign(w io.Writer, r io.Reader, key ed25519.PrivateKey, t time.Time, tmpDir string) error {
	if key == nil {
		return errors.New("Specify a signing key")
	}
	zr := archive.NewReader(r)
	zw := archive.NewWriter(w)
	sawMeta := false
	for {
		h, err := zr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case h.Name == meta.SignatureName:
			continue
		case h.Name == meta.MetaConfName:
			if sawMeta {
				return errors.New("Invalid firmware. More than one meta.conf found")
			}
			sawMeta = true
			conf, err := meta.ReadEntry(zr, meta.MaxConfSize)
			if err != nil {
				return errors.New("Error reading meta.conf from archive.")
			}
			if len(conf) < 10 || len(conf) >= meta.MaxConfSize {
				return errorf("Unexpected meta.conf size: %d", len(conf))
			}
			if err := zw.WriteStored(archive.Entry{Name: meta.SignatureName}, keys.Sign(key, conf)); err != nil {
				return err
			}
			if err := writeMeta(zw, conf, t, compatDeflate(1)); err != nil {
				return err
			}
		case !sawMeta:
			return errors.New("Invalid firmware. meta.conf must be at the beginning of archive")
		default:
			if err := copyEntry(zw, zr, h, tmpDir, compatDeflate(runtime.GOMAXPROCS(0))); err != nil {
				return err
			}
		}
	}
	if !sawMeta {
		return errors.New("Invalid firmware. No meta.conf not found")
	}
	return zw.Close()
}

// ourDeflate is internal/deflate at level 9, compatDeflate the encoder of
// fwup mode (archive.DeflateCompat).
func ourDeflate(workers int) deflater {
	return func(dst io.Writer, src io.Reader) (archive.Deflated, error) {
		return archive.Deflate(dst, src, 9, workers)
	}
}

func compatDeflate(workers int) deflater {
	return func(dst io.Writer, src io.Reader) (archive.Deflated, error) {
		return archive.DeflateCompat(dst, src, 9, workers)
	}
}

// copyEntry writes the current entry of zr again: a stored entry whose
// header has its CRC and size (firmwright build's) stored as it is,
// anything else deflated.
func copyEntry(zw *archive.Writer, zr *archive.Reader, h *archive.Header, tmpDir string, deflate deflater) error {
	if crc, ok := h.StoredCRC(); ok {
		return zw.WriteStoredFrom(archive.Entry{Name: h.Name}, h.Size, crc, func(dst io.Writer) (archive.Deflated, error) {
			c := crc32.NewIEEE()
			n, err := io.Copy(io.MultiWriter(dst, c), zr)
			return archive.Deflated{CRC: c.Sum32(), Size: n}, err
		})
	}
	var src io.Reader = zr
	size := h.Size
	if !h.SizeKnown {
		f, err := os.CreateTemp(tmpDir, "firmwright-resign-*")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		if size, err = io.Copy(f, zr); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		src = f
	}
	return zw.WriteDeflated(archive.Entry{Name: h.Name}, size, func(dst io.Writer) (archive.Deflated, error) {
		return deflate(dst, src)
	})
}
