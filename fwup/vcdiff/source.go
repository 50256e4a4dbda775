package vcdiff

import (
	"errors"
	"fmt"
	"io"
)

// Copies from the source are many and mostly short, so they go through a
// small direct-mapped cache of source blocks rather than one ReadAt each;
// a copy of several blocks skips the cache and reads straight into the
// target. The cache is the only source memory the decoder holds, however
// large the window's source segment.
const (
	srcBlockSize  = 16 << 10
	srcCacheSlots = 16
)

type srcBlock struct {
	num  int64 // block number, -1 when empty
	data []byte
}

type sourceCache struct {
	r      io.ReaderAt
	size   int64
	blocks [srcCacheSlots]srcBlock
}

func newSourceCache(r io.ReaderAt, size int64) *sourceCache {
	c := &sourceCache{r: r, size: size}
	for i := range c.blocks {
		c.blocks[i].num = -1
	}
	return c
}

// readAt fills dst from the source at off; the caller has checked that the
// range lies within the source.
func (c *sourceCache) readAt(dst []byte, off int64) error {
	if len(dst) >= 2*srcBlockSize {
		return c.direct(dst, off)
	}
	for len(dst) > 0 {
		blk, err := c.block(off / srcBlockSize)
		if err != nil {
			return err
		}
		n := copy(dst, blk[off%srcBlockSize:])
		dst, off = dst[n:], off+int64(n)
	}
	return nil
}

func (c *sourceCache) direct(dst []byte, off int64) error {
	n, err := c.r.ReadAt(dst, off)
	if n == len(dst) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("vcdiff: reading the source at %d: %w", off+int64(n), err)
}

func (c *sourceCache) block(num int64) ([]byte, error) {
	b := &c.blocks[num%srcCacheSlots]
	if b.num == num {
		return b.data, nil
	}
	start := num * srcBlockSize
	n := min(int64(srcBlockSize), c.size-start)
	if b.data == nil {
		b.data = make([]byte, srcBlockSize)
	}
	b.num = -1
	if err := c.direct(b.data[:n], start); err != nil {
		return nil, err
	}
	b.num, b.data = num, b.data[:n]
	return b.data, nil
}
