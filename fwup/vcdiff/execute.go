package vcdiff

import "fmt"

// execute runs a window's instructions into t, which has the window's
// target length; every byte of every section must be used, and every byte
// of t written.
func (r *Reader) execute(w *window, t []byte) error {
	r.cache.reset()
	pos := 0
	for w.inst.rest() > 0 {
		code, _ := w.inst.byte()
		op := defaultTable[code]
		for _, h := range [2]half{op.a, op.b} {
			if h.typ == opNoop {
				continue
			}
			n, err := r.step(w, t, pos, h)
			if err != nil {
				return err
			}
			pos += n
		}
	}
	if pos != len(t) {
		return fmt.Errorf("%w: instructions make %d of the window's %d bytes", ErrCorrupt, pos, len(t))
	}
	if w.data.rest() != 0 || w.addr.rest() != 0 {
		return fmt.Errorf("%w: %d data and %d address bytes left over", ErrTrailingData, w.data.rest(), w.addr.rest())
	}
	return nil
}

// step carries out one instruction at target position pos and returns the
// number of bytes it wrote.
func (r *Reader) step(w *window, t []byte, pos int, h half) (int, error) {
	size := uint64(h.size)
	if size == 0 {
		var err error
		if size, err = w.inst.varint(); err != nil {
			return 0, err
		}
	}
	if size > uint64(len(t)-pos) {
		return 0, fmt.Errorf("%w: a %d-byte instruction at %d runs past the %d-byte window", ErrCorrupt, size, pos, len(t))
	}
	n := int(size)
	dst := t[pos : pos+n]
	switch h.typ {
	case opAdd:
		b, err := w.data.bytes(n)
		if err != nil {
			return 0, err
		}
		copy(dst, b)
	case opRun:
		b, err := w.data.byte()
		if err != nil {
			return 0, err
		}
		for i := range dst {
			dst[i] = b
		}
	default:
		here := w.segLen + uint64(pos)
		addr, err := r.cache.decode(here, h.mode, &w.addr)
		if err != nil {
			return 0, err
		}
		if err := r.copyFrom(w, t, pos, n, addr); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// copyFrom copies n bytes from address addr of the window's address space
// (the source segment, then the target so far) to t[pos:].
func (r *Reader) copyFrom(w *window, t []byte, pos, n int, addr uint64) error {
	here := w.segLen + uint64(pos)
	if addr >= here {
		return fmt.Errorf("%w: copy from %d at position %d", ErrAddress, addr, here)
	}
	if addr < w.segLen {
		if uint64(n) > w.segLen-addr {
			return fmt.Errorf("%w: %d bytes from %d of a %d-byte segment", ErrCopySpansSegments, n, addr, w.segLen)
		}
		return r.src.readAt(t[pos:pos+n], int64(w.segPos+addr))
	}
	from := int(addr - w.segLen)
	d := pos - from
	if d >= n {
		copy(t[pos:pos+n], t[from:from+n])
		return nil
	}
	// An overlapping copy repeats the last d bytes (byte-by-byte semantics);
	// after the first d, each step doubles what is already repeated.
	done := copy(t[pos:pos+d], t[from:pos])
	for done < n {
		done += copy(t[pos+done:pos+n], t[pos:pos+done])
	}
	return nil
}
