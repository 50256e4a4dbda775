package vcdiff

import (
	"fmt"
	"io"

	"github.com/firmwright/firmwright/internal/adler32"
)

// DecodeOptions tunes a Reader.
type DecodeOptions struct {
	// MaxWindow caps a target window, and so the decoder's memory (about
	// three times this); 0 means HardMaxWindow, and more is clamped to it.
	MaxWindow int
}

// Reader applies a patch to a source and reads out the target, one window
// at a time: it holds one target window, that window's sections and a
// small source block cache, never the whole patch, source or target.
type Reader struct {
	p      *patchReader
	src    *sourceCache
	srcLen int64
	maxWin int

	started bool
	err     error
	out     []byte // the decoded window's bytes not yet read
	tgt     []byte // target window buffer, reused
	secs    []byte // sections buffer, reused
	cache   addrCache
	windows int   // windows decoded
	written int64 // target bytes decoded
}

// NewReader returns a Reader of the target that patch makes from the first
// srcLen bytes of src. src may be nil when srcLen is 0 (a patch made
// without a source).
func NewReader(patch io.Reader, src io.ReaderAt, srcLen int64) *Reader {
	return NewReaderOptions(patch, src, srcLen, DecodeOptions{})
}

// NewReaderOptions is NewReader with options.
func NewReaderOptions(patch io.Reader, src io.ReaderAt, srcLen int64, opts DecodeOptions) *Reader {
	maxWin := opts.MaxWindow
	if maxWin <= 0 || maxWin > HardMaxWindow {
		maxWin = HardMaxWindow
	}
	r := &Reader{p: newPatchReader(patch), srcLen: max(srcLen, 0), maxWin: maxWin}
	if src != nil && srcLen > 0 {
		r.src = newSourceCache(src, srcLen)
	} else {
		r.srcLen = 0
	}
	return r
}

// Read reads decoded target bytes. A window is checked (its Adler-32
// included) before any of its bytes are returned.
func (r *Reader) Read(b []byte) (int, error) {
	for len(r.out) == 0 {
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	n := copy(b, r.out)
	r.out = r.out[n:]
	return n, nil
}

// WriteTo writes the rest of the target to w window by window, sparing
// io.Copy a buffer.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		for len(r.out) == 0 {
			if err := r.next(); err == io.EOF {
				return total, nil
			} else if err != nil {
				return total, err
			}
		}
		n, err := w.Write(r.out)
		total += int64(n)
		r.out = r.out[n:]
		if err != nil {
			return total, err
		}
	}
}

// next decodes the next window into r.out; errors are sticky.
func (r *Reader) next() error {
	if r.err != nil {
		return r.err
	}
	r.err = r.decodeNext()
	return r.err
}

func (r *Reader) decodeNext() error {
	if !r.started {
		r.started = true
		if err := readHeader(r.p); err != nil {
			return err
		}
	}
	if eof, err := r.p.atEOF(); eof {
		return io.EOF
	} else if err != nil {
		return err
	}
	out, err := r.decodeWindow()
	if err != nil {
		return fmt.Errorf("window %d (target offset %d): %w", r.windows, r.written, err)
	}
	r.windows++
	r.written += int64(len(out))
	r.out = out
	return nil
}

func (r *Reader) decodeWindow() ([]byte, error) {
	var w window
	total, err := r.readWindowHeader(&w)
	if err != nil {
		return nil, err
	}
	if r.secs, err = r.p.grow(r.secs[:0], total); err != nil {
		return nil, err
	}
	d, i := w.lens[0], w.lens[1]
	w.data = section{b: r.secs[:d], sec: "data"}
	w.inst = section{b: r.secs[d : d+i], sec: "instruction"}
	w.addr = section{b: r.secs[d+i:], sec: "address"}
	if cap(r.tgt) < w.tgtLen {
		r.tgt = nil // let the old buffer go before taking the new
		r.tgt = make([]byte, w.tgtLen)
	}
	t := r.tgt[:w.tgtLen]
	if err := r.execute(&w, t); err != nil {
		return nil, err
	}
	if w.ind&winAdler32 != 0 {
		if got := adler32.Checksum(t); got != w.sum {
			return nil, fmt.Errorf("%w: patch says %08x, decoded %08x", ErrChecksum, w.sum, got)
		}
	}
	return t, nil
}
