package archive

import (
	"hash/crc32"
	"io"
	"sync"
)

// prefetchSize and prefetchBuffers size the read-ahead of Prefetch: three
// 64 KiB pieces, so that inflating (or reading) and CRC-checking one
// piece overlaps with the caller consuming the one before.
const (
	prefetchSize    = 64 << 10
	prefetchBuffers = 3
)

var prefetchPool = sync.Pool{New: func() any { b := make([]byte, prefetchSize); return &b }}

// prefetcher reads an entry's data on a goroutine of its own, into
// pieces the Reader hands out, and computes their CRC-32 there too.
type prefetcher struct {
	full chan piece
	free chan []byte
	quit chan struct{}
	// The consumer's side: the piece being read, the whole buffer it is
	// in, and, once the last piece arrived, its error and the CRC.
	cur, curBuf []byte
	err         error
	crc         uint32
}

type piece struct {
	b   []byte
	err error  // io.EOF at the end of the data, or the read's error
	crc uint32 // of everything up to and including b
}

func newPrefetcher(src io.Reader) *prefetcher {
	pf := &prefetcher{full: make(chan piece, prefetchBuffers), free: make(chan []byte, prefetchBuffers), quit: make(chan struct{})}
	for range prefetchBuffers {
		pf.free <- *prefetchPool.Get().(*[]byte)
	}
	go pf.run(src)
	return pf
}

func (pf *prefetcher) run(src io.Reader) {
	var crc uint32
	for {
		var b []byte
		select {
		case b = <-pf.free:
		case <-pf.quit:
			return
		}
		n := 0
		var err error
		for n < len(b) && err == nil {
			var k int
			k, err = src.Read(b[n:])
			n += k
		}
		crc = crc32.Update(crc, crc32.IEEETable, b[:n])
		select {
		case pf.full <- piece{b: b[:n], err: err, crc: crc}:
		case <-pf.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read returns the data in order; at the end, the source's error (io.EOF
// when it ended well), after which the buffers go back to the pool.
func (pf *prefetcher) Read(p []byte) (int, error) {
	for len(pf.cur) == 0 {
		if pf.err != nil {
			return 0, pf.err
		}
		if pf.curBuf != nil {
			pf.free <- pf.curBuf[:cap(pf.curBuf)]
		}
		pc := <-pf.full
		pf.cur, pf.curBuf, pf.err, pf.crc = pc.b, pc.b, pc.err, pc.crc
		if pf.err != nil {
			pf.release()
		}
	}
	n := copy(p, pf.cur)
	pf.cur = pf.cur[n:]
	if len(pf.cur) == 0 && pf.err != nil && pf.curBuf != nil {
		b := pf.curBuf[:cap(pf.curBuf)]
		prefetchPool.Put(&b)
		pf.curBuf = nil
	}
	return n, nil
}

// release returns the free buffers to the pool once the goroutine has
// sent its last piece (Read returns the last piece's once it is read).
func (pf *prefetcher) release() {
	for {
		select {
		case b := <-pf.free:
			prefetchPool.Put(&b)
		default:
			return
		}
	}
}

// stop ends the goroutine of an entry not read to its end.
func (pf *prefetcher) stop() {
	if pf.err == nil {
		close(pf.quit)
		pf.err = io.ErrClosedPipe
	}
}
