package fwup

import (
	"crypto/ed25519"
	"errors"
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
// other entry is recompressed (level 9) in order. Entries whose local
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
			if err := writeMeta(zw, conf, t, 9); err != nil {
				return err
			}
		case !sawMeta:
			return errors.New("Invalid firmware. meta.conf must be at the beginning of archive")
		default:
			if err := copyEntry(zw, zr, h, tmpDir); err != nil {
				return err
			}
		}
	}
	if !sawMeta {
		return errors.New("Invalid firmware. No meta.conf not found")
	}
	return zw.Close()
}

func copyEntry(zw *archive.Writer, zr *archive.Reader, h *archive.Header, tmpDir string) error {
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
		return archive.Deflate(dst, src, 9, runtime.GOMAXPROCS(0))
	})
}
