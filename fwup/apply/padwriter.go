package apply

// padWriter turns resource data, which arrives in chunks of any size and
// may skip holes, into whole 512-byte block writes (fwup's
// pad_to_block_writer): a block only partly covered by data is completed
// with zeros, which is why raw_write overwrites the rest of a resource's
// last block.
type padWriter struct {
	c      *Cache
	dc     *diskCipher
	buf    [BlockSize]byte
	n      int   // bytes held in buf
	bufOff int64 // where buf goes
}

func (w *padWriter) put(p []byte, off int64) error {
	if w.dc != nil {
		p = w.dc.seal(p, off)
	}
	return w.c.Stream(p, off)
}

// write stores p at off. Writes must move forward.
func (w *padWriter) write(p []byte, off int64) error {
	if w.n != 0 {
		cur := w.bufOff + int64(w.n)
		if off > cur && off < w.bufOff+BlockSize {
			// A small hole inside the held block.
			clear(w.buf[w.n : off-w.bufOff])
			w.n = int(off - w.bufOff)
			cur = off
		}
		if cur == off {
			k := copy(w.buf[w.n:], p)
			w.n += k
			p, off = p[k:], off+int64(k)
			if w.n < BlockSize {
				return nil
			}
			if err := w.put(w.buf[:], w.bufOff); err != nil {
				return err
			}
			w.n = 0
		} else if err := w.flush(); err != nil {
			return err
		}
	}
	if r := int(off % BlockSize); r != 0 {
		clear(w.buf[:r])
		w.n, w.bufOff = r, off-int64(r)
		return w.write(p, off)
	}
	if whole := len(p) &^ (BlockSize - 1); len(p) > BlockSize {
		if err := w.put(p[:whole], off); err != nil {
			return err
		}
		p, off = p[whole:], off+int64(whole)
	}
	if len(p) > 0 {
		w.n = copy(w.buf[:], p)
		w.bufOff = off
	}
	return nil
}

// flush writes a partly filled block, zero-padded.
func (w *padWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	clear(w.buf[w.n:])
	w.n = 0
	return w.put(w.buf[:], w.bufOff)
}
