package vcdiff

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// EncodeOptions tunes Encode; the zero value makes 8 MiB target windows,
// each copying from at most 8 MiB of source, with checksums.
type EncodeOptions struct {
	// WindowSize is the most target bytes one window holds: 0 means
	// 8 MiB (xdelta3's default -W); more than HardMaxWindow is an error.
	WindowSize int
	// SourceWindow is the most source bytes one window may copy from, which
	// is what the decoder must reach into per window: 0 means 8 MiB. fwup
	// passes its block cache size here.
	SourceWindow int64
	// NoChecksum leaves out the per-window Adler-32 (xdelta3 -n).
	NoChecksum bool
}

// DefaultWindowSize is the target window size when EncodeOptions leaves it 0.
const DefaultWindowSize = 8 << 20

// Encode writes to dst a patch that makes target from the first srcLen
// bytes of src (src may be nil when srcLen is 0). Its memory is one target
// window, one source window (the whole source when it is no larger), the
// source index (at most 64 MiB) and the window's hash chains.
func Encode(dst io.Writer, src io.ReaderAt, srcLen int64, target io.Reader, opts EncodeOptions) error {
	e, err := newEncoder(src, srcLen, opts)
	if err != nil {
		return err
	}
	return e.encode(dst, target)
}

func (e *encoder) encode(dst io.Writer, target io.Reader) error {
	bw := bufio.NewWriterSize(dst, 64<<10)
	if _, err := bw.Write(append(magic[:], 0, 0)); err != nil {
		return err
	}
	for windows := 0; ; windows++ {
		t, full, err := e.readWindow(target)
		if err != nil {
			return fmt.Errorf("vcdiff: reading the target: %w", err)
		}
		if len(t) == 0 && windows > 0 {
			break
		}
		if err := e.window(bw, t); err != nil {
			return err
		}
		if !full {
			break
		}
	}
	return bw.Flush()
}

type encoder struct {
	opts   EncodeOptions
	src    io.ReaderAt
	srcLen int64
	idx    *sourceIndex
	whole  bool // the segment buffer holds the whole source
	seg    []byte
	segPos int64
	// segLoaded says seg holds the source at segPos (when not whole).
	segLoaded bool
	tgt       []byte
	m         matcher
	w         windowWriter
	hdr       []byte
	offset    int64 // target offset of the next window
}

func newEncoder(src io.ReaderAt, srcLen int64, opts EncodeOptions) (*encoder, error) {
	if opts.WindowSize == 0 {
		opts.WindowSize = DefaultWindowSize
	}
	if opts.WindowSize < 0 || opts.WindowSize > HardMaxWindow {
		return nil, fmt.Errorf("vcdiff: window size %d is not in 1..%d", opts.WindowSize, HardMaxWindow)
	}
	if opts.SourceWindow <= 0 {
		opts.SourceWindow = 8 << 20
	}
	if src == nil {
		srcLen = 0
	}
	e := &encoder{opts: opts, src: src, srcLen: max(srcLen, 0)}
	e.m.self = &selfIndex{}
	if e.srcLen == 0 {
		return e, nil
	}
	if e.srcLen <= opts.SourceWindow {
		// The whole source fits in one source window: read it once and
		// index it from memory.
		e.whole, e.seg = true, make([]byte, e.srcLen)
		if err := readFullAt(src, e.seg, 0); err != nil {
			return nil, err
		}
		e.idx = newSourceIndex(e.srcLen)
		e.idx.addChunk(e.seg, 0)
		return e, nil
	}
	var err error
	e.idx, err = indexSource(src, e.srcLen)
	return e, err
}

// readWindow reads the next target window; full says it is WindowSize
// long, so that more may follow. The buffer grows as the target arrives,
// so a small target costs a small buffer.
func (e *encoder) readWindow(r io.Reader) (t []byte, full bool, err error) {
	n := 0
	for n < e.opts.WindowSize {
		if n == len(e.tgt) {
			size := min(e.opts.WindowSize, max(64<<10, 2*len(e.tgt)))
			e.tgt = append(e.tgt[:n], make([]byte, size-n)...)
		}
		m, err := io.ReadFull(r, e.tgt[n:])
		n += m
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return e.tgt[:n], false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	return e.tgt[:n], true, nil
}

// window encodes and writes one target window.
func (e *encoder) window(bw *bufio.Writer, t []byte) error {
	if e.srcLen > 0 && !e.whole {
		if err := e.loadSegment(t); err != nil {
			return err
		}
	}
	m := &e.m
	m.idx, m.seg, m.segPos, m.t, m.base = e.idx, e.seg, e.segPos, t, e.offset
	ins := m.run()
	w := &e.w
	w.t = t
	w.segPos, w.segLen = usedSegment(ins)
	w.write(ins)
	e.hdr = w.appendHeader(e.hdr[:0], !e.opts.NoChecksum)
	for _, b := range [][]byte{e.hdr, w.data, w.inst, w.addr} {
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	e.offset += int64(len(t))
	return nil
}

// usedSegment is the span of the source the window's copies read, which
// is the segment the window declares: the decoder need reach no further.
func usedSegment(ins []inst) (pos, size int64) {
	lo, hi := int64(-1), int64(0)
	for _, in := range ins {
		if in.kind != opCopy || !in.src {
			continue
		}
		if lo < 0 || in.addr < lo {
			lo = in.addr
		}
		hi = max(hi, in.addr+int64(in.n))
	}
	if lo < 0 {
		return 0, 0
	}
	return lo, hi - lo
}
