package squashfs

import "fmt"

// Copying blocks. A Buildroot base is usually a SquashFS image already,
// compressed with gzip in 128 KiB blocks, and most of a build's time went
// into inflating its blocks and deflating them again. When the image
// being written has the base's compressor and block size, a base file's
// whole data blocks are copied as the base stores them (Options.CopyBlocks):
// a worker still inflates each one, which checks its Adler-32 and length
// at a small part of deflate's cost, so no block goes into the image
// unchecked; for a file that may be a duplicate, whose contents are
// hashed as they are read, the reading goroutine inflates it. Tails and
// fragments are read and compressed as any file's.

// storedBlocks is what a file's reader offers when it reads a SquashFS
// image (sqFileReader).
type storedBlocks interface {
	// storedFormat is the image's compression id and block size.
	storedFormat() (compression uint16, blockSize int)
	// nextStored reads the file's next data block as the image stores it
	// into buf (whose capacity is the block size) and returns it with
	// its size word (0 for a sparse block, whose stored is empty), when
	// that block is a whole one, and moves past it; ok is false when
	// the next is the tail.
	nextStored(buf []byte) (stored []byte, word uint32, ok bool, err error)
	// checkStored inflates a block nextStored returned into scratch, to
	// check that it holds a whole block, and returns its contents.
	checkStored(stored []byte, word uint32, scratch []byte) ([]byte, error)
}

// copier returns r's stored blocks when they can be copied into this
// image.
func (dw *dataWriter) copier(r any) storedBlocks {
	sb, ok := r.(storedBlocks)
	if !ok || !dw.copyBlocks {
		return nil
	}
	if id, bs := sb.storedFormat(); id != dw.codec.id || bs != dw.blockSize || id != compressionGzip {
		return nil
	}
	return sb
}

func (r *sqFileReader) storedFormat() (uint16, int) {
	return r.f.s.sb.compression, int(r.f.s.sb.blockSize)
}

func (r *sqFileReader) nextStored(buf []byte) ([]byte, uint32, bool, error) {
	bs := int64(r.f.s.sb.blockSize)
	if len(r.buf) != 0 || r.next >= len(r.f.blocks) || r.f.size-r.done < bs {
		return nil, 0, false, nil
	}
	word := r.f.blocks[r.next]
	n := word &^ sqDataUncomp
	if int(n) > cap(buf) {
		return nil, 0, false, fmt.Errorf("%s: data block at %d: stored size %d exceeds the block size", r.f.s.src.Name, r.pos, n)
	}
	stored := buf[:n]
	if word != 0 {
		if _, err := r.ra.ReadAt(stored, r.pos); err != nil {
			return nil, 0, false, fmt.Errorf("%s: data block at %d: %w", r.f.s.src.Name, r.pos, noEOF(err))
		}
	}
	r.next++
	r.pos += int64(n)
	r.done += bs
	return stored, word, true, nil
}

func (r *sqFileReader) checkStored(stored []byte, word uint32, scratch []byte) ([]byte, error) {
	bs := int(r.f.s.sb.blockSize)
	raw := stored
	switch {
	case word == 0:
		raw = zeroBlock[:bs]
	case word&sqDataUncomp == 0:
		var err error
		if raw, err = inflateZlib(scratch[:0], stored, bs); err != nil {
			return nil, fmt.Errorf("%s: data block: %w", r.f.s.src.Name, err)
		}
	}
	if len(raw) != bs {
		return nil, fmt.Errorf("%s: data block of %d bytes, expected %d", r.f.s.src.Name, len(raw), bs)
	}
	return raw, nil
}
