package deflate

import (
	"errors"
	"fmt"
	"io"
)

// chunkSize is how much input the Writer gathers before parsing it: the
// parse and the block splitting see this much at once, and a block never
// spans two chunks.
const chunkSize = 256 << 10

var errClosed = errors.New("deflate: write to a closed Writer")

// A Writer compresses what is written to it as a raw DEFLATE stream.
type Writer struct {
	dst   io.Writer
	level int
	c     *compressor
	// buf holds history in [0:start] and input not yet compressed in
	// [start:end].
	buf        []byte
	start, end int
	dict       []byte
	err        error
	closed     bool
}

// NewWriter returns a Writer compressing at level: BestSpeed (1) to
// BestRatio (12), or DefaultCompression.
func NewWriter(w io.Writer, level int) (*Writer, error) {
	return NewWriterDict(w, level, nil)
}

// NewWriterDict is NewWriter with a preset dictionary: the stream may refer
// to the last 32 KiB of dict, which the inflater must be given too. As
// compress/flate's, the stream does not name the dictionary.
func NewWriterDict(w io.Writer, level int, dict []byte) (*Writer, error) {
	p, ok := paramsFor(level)
	if !ok {
		return nil, fmt.Errorf("deflate: invalid compression level %d", level)
	}
	z := &Writer{level: level, c: newCompressor(p), buf: make([]byte, windowSize+chunkSize)}
	z.ResetDict(w, dict)
	return z, nil
}

// Reset makes z a new Writer to w with z's level and dictionary, reusing
// its memory.
func (z *Writer) Reset(w io.Writer) {
	z.dst, z.err, z.closed = w, nil, false
	z.c.reset()
	z.start = copy(z.buf, z.dict)
	z.end = z.start
}

// ResetDict is Reset with another dictionary.
func (z *Writer) ResetDict(w io.Writer, dict []byte) {
	if len(dict) > windowSize {
		dict = dict[len(dict)-windowSize:]
	}
	z.dict = append(z.dict[:0], dict...)
	z.Reset(w)
}

// Write compresses p. Output comes in chunks of input, so some of p may
// wait in z until more is written, Flush or Close.
func (z *Writer) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if z.closed {
		return 0, errClosed
	}
	n := len(p)
	for len(p) > 0 {
		if z.end == min(len(z.buf), z.start+chunkSize) {
			// Compress only when more input comes, so a Close right
			// after a full chunk makes that chunk's last block final.
			if err := z.compressPending(false); err != nil {
				return n - len(p), err
			}
		}
		if z.start == z.end && z.start+chunkSize > len(z.buf) {
			z.slide()
		}
		// Chunks are chunkSize from where the last one ended, whatever
		// the history, so without Flush the output is the Compressor's.
		k := copy(z.buf[z.end:min(len(z.buf), z.start+chunkSize)], p)
		z.end += k
		p = p[k:]
	}
	return n, nil
}

// Flush compresses all input written so far and ends with a sync flush (an
// empty stored block), so that an inflater can recover all of it, and
// writes it to the underlying writer.
func (z *Writer) Flush() error {
	if z.err != nil {
		return z.err
	}
	if z.closed {
		return errClosed
	}
	z.c.compress(z.buf[:z.end], z.start, z.end, false)
	z.start = z.end
	writeSyncMarker(&z.c.bw)
	return z.emit()
}

// Close compresses the rest of the input, ends the stream with a final
// block and writes it to the underlying writer. It does not close that
// writer.
func (z *Writer) Close() error {
	if z.closed {
		return z.err
	}
	if z.err != nil {
		return z.err
	}
	z.c.compress(z.buf[:z.end], z.start, z.end, true)
	z.start = z.end
	z.c.bw.align()
	z.closed = true
	return z.emit()
}

// compressPending compresses the buffered input into non-final blocks.
func (z *Writer) compressPending(final bool) error {
	z.c.compress(z.buf[:z.end], z.start, z.end, final)
	z.start = z.end
	return z.emit()
}

// emit hands the whole bytes of output to the underlying writer.
func (z *Writer) emit() error {
	out := z.c.bw.out
	z.c.bw.out = out[:0]
	if len(out) == 0 {
		return nil
	}
	if _, err := z.dst.Write(out); err != nil {
		z.err = err
	}
	return z.err
}

// slide moves the last window of history to the front of buf.
func (z *Writer) slide() {
	keep := min(z.end, windowSize)
	delta := z.end - keep
	copy(z.buf, z.buf[delta:z.end])
	z.start -= delta
	z.end -= delta
	z.c.rebase(delta)
}
