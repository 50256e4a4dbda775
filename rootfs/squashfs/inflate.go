package squashfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// zlibReaders keeps zlib readers for reuse: a new one allocates its
// decoder's tables and window, which cost more than inflating a small
// block. Each goroutine takes its own.
var zlibReaders sync.Pool

type zlibReader struct {
	src bytes.Reader
	z   io.ReadCloser
}

// inflateZlib appends the zlib stream in to dst and checks its Adler-32;
// it fails if in holds more than limit bytes of data.
func inflateZlib(dst, in []byte, limit int) ([]byte, error) {
	zr, _ := zlibReaders.Get().(*zlibReader)
	if zr == nil {
		zr = &zlibReader{}
	}
	defer zlibReaders.Put(zr)
	zr.src.Reset(in)
	if zr.z == nil {
		z, err := zlib.NewReader(&zr.src)
		if err != nil {
			return nil, err
		}
		zr.z = z
	} else if err := zr.z.(zlib.Resetter).Reset(&zr.src, nil); err != nil {
		return nil, err
	}
	start := len(dst)
	dst = growTo(dst, start+limit)
	n := start
	for n < len(dst) {
		m, err := zr.z.Read(dst[n:])
		n += m
		if errors.Is(err, io.EOF) {
			return dst[:n], nil
		}
		if err != nil {
			return nil, err
		}
	}
	// limit bytes came: the stream must end there. (Reading into a
	// byte of its own keeps dst at limit, so that a block-sized scratch
	// buffer holds a whole block without growing.)
	var more [1]byte
	for {
		m, err := zr.z.Read(more[:])
		switch {
		case m > 0:
			return nil, fmt.Errorf("block decompresses to more than %d bytes", limit)
		case errors.Is(err, io.EOF):
			return dst, nil
		case err != nil:
			return nil, err
		}
	}
}

// growTo returns b with length n, reusing its storage when it is large
// enough.
func growTo(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return append(b[:cap(b)], make([]byte, n-cap(b))...)[:n]
}
