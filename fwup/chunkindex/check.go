package chunkindex

import (
	"bytes"
	"fmt"
	"hash"
	"io"

	"golang.org/x/crypto/blake2b"
)

// MismatchError is data that is not what the index says: a chunk whose
// sum differs, or more or less data than the index's length.
type MismatchError struct {
	Resource string
	Chunk    int64
	Offset   int64 // of the chunk's first byte in the resource's data
	What     string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("resource '%s': %s at data offset %d (chunk %d) does not match the archive's signed chunk index; nothing from there on was written",
		e.Resource, e.What, e.Offset, e.Chunk)
}

// checker passes on a resource's data only once the chunk it belongs to
// has been checked, and in the pieces the source gave it (the pieces set
// the progress fwup reports).
type checker struct {
	src   io.Reader
	e     *Entry
	size  int
	h     hash.Hash
	pos   int64    // data bytes read from src
	chunk int64    // the chunk being hashed
	in    int      // bytes of it hashed
	pend  [][]byte // pieces read, the first verified ones ready to give
	ready int      // how many bytes at the front of pend are verified
	err   error    // src's end, or a mismatch, after pend
	spare []byte   // the buffer of a piece given out whole, to read into again
}

// NewReader checks src, a resource's data, against e's sums of chunks of
// size bytes. A Read returns only bytes of chunks whose sums matched; a
// mismatch is a *MismatchError after the last good chunk's bytes.
func NewReader(src io.Reader, e *Entry, size int) io.Reader {
	h, _ := blake2b.New256(nil)
	return &checker{src: src, e: e, size: size, h: h}
}

func (r *checker) Read(b []byte) (int, error) {
	// A piece goes out whole once all of it is verified (after a
	// failure, the pieces kept end where the verified bytes do).
	for len(r.pend) == 0 || len(r.pend[0]) > r.ready {
		if r.err != nil {
			return 0, r.err
		}
		r.fill(len(b))
	}
	p := r.pend[0]
	n := copy(b, p[:min(len(p), r.ready)])
	if n == len(p) {
		r.pend = r.pend[1:]
		r.spare = p[:cap(p)]
	} else {
		r.pend[0] = p[n:]
	}
	r.ready -= n
	return n, nil
}

// fill reads one piece of at most limit bytes from src and hashes it.
func (r *checker) fill(limit int) {
	buf := r.spare
	r.spare = nil
	if cap(buf) < limit {
		buf = make([]byte, limit)
	}
	buf = buf[:limit]
	n, err := r.src.Read(buf)
	if n > 0 {
		r.pend = append(r.pend, buf[:n])
		r.hash(buf[:n])
	}
	switch {
	case r.err != nil:
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		r.end(err)
	case err != nil:
		r.err = err
	}
}

// hash hashes p, and marks each chunk it completes as ready, or the
// checker failed.
func (r *checker) hash(p []byte) {
	for len(p) > 0 && r.err == nil {
		want := r.chunkLen()
		if want == 0 {
			r.fail("data past the index's length of " + fmt.Sprint(r.e.Length))
			return
		}
		k := min(len(p), want-r.in)
		r.h.Write(p[:k])
		r.in += k
		r.pos += int64(k)
		p = p[k:]
		if r.in == want {
			r.closeChunk(want)
		}
	}
}

// chunkLen is the length of the chunk being hashed; 0 past the end.
func (r *checker) chunkLen() int {
	start := r.chunk * int64(r.size)
	if start >= r.e.Length {
		return 0
	}
	return int(min(int64(r.size), r.e.Length-start))
}

func (r *checker) closeChunk(n int) {
	var sum [SumSize]byte
	r.h.Sum(sum[:0])
	if !bytes.Equal(sum[:], r.e.Sums[r.chunk][:]) {
		r.fail("a different chunk")
		return
	}
	r.ready += n
	r.chunk++
	r.in = 0
	r.h.Reset()
}

// end is src's end: the data must have ended where the index says.
func (r *checker) end(eof error) {
	if r.pos != r.e.Length {
		r.fail(fmt.Sprintf("data ending after %d bytes, not %d,", r.pos, r.e.Length))
		return
	}
	r.err = eof
}

// fail drops what is not verified: only the chunks before the bad one
// are given.
func (r *checker) fail(what string) {
	r.err = &MismatchError{Resource: r.e.Name, Chunk: r.chunk, Offset: r.chunk * int64(r.size), What: what}
	keep := r.ready
	var pend [][]byte
	for _, p := range r.pend {
		if keep == 0 {
			break
		}
		k := min(len(p), keep)
		pend = append(pend, p[:k])
		keep -= k
	}
	r.pend = pend
}
