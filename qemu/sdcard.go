package qemu

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
)

// QEMU's SD card must be a power of two bytes long; an image is as long as
// its partitions, or shorter. So the card is the image rounded up: a
// sparse copy by default, or the file itself, extended with a hole.

// pow2 is the least power of two at least n (and at least 1 MiB).
func pow2(n int64) int64 {
	if n <= 1<<20 {
		return 1 << 20
	}
	return 1 << bits.Len64(uint64(n-1))
}

// SDCard makes the image at path a card for QEMU: extended to its
// partitions' end and rounded up to a power of two, in place, or on a
// sparse copy in dir when dir is not "". It returns the card's path and
// size.
func SDCard(path, dir string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return "", 0, err
	}
	end, err := partitionsEnd(f)
	f.Close()
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	size := pow2(max(end, st.Size()))
	if dir == "" {
		if size != st.Size() {
			if err := os.Truncate(path, size); err != nil {
				return "", 0, err
			}
		}
		return path, size, nil
	}
	card := filepath.Join(dir, "sd-"+filepath.Base(path))
	if err := sparseCopy(card, path, size); err != nil {
		os.Remove(card)
		return "", 0, fmt.Errorf("copying %s for the SD card: %w", path, err)
	}
	return card, size, nil
}

// sparseCopy copies src to dst, leaving holes where src has zeros, and
// makes dst size bytes long.
func sparseCopy(dst, src string, size int64) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	buf := make([]byte, 1<<20)
	zero := make([]byte, len(buf))
	for off := int64(0); ; off += int64(len(buf)) {
		n, err := io.ReadFull(in, buf)
		if n > 0 && !bytes.Equal(buf[:n], zero[:n]) {
			if _, werr := out.WriteAt(buf[:n], off); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := out.Truncate(size); err != nil {
		return err
	}
	return out.Close()
}
