package apply

import (
	"fmt"
	"io"

	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/vcdiff"
)

// A resource is an xdelta3 (VCDIFF) patch when, as fwup decides, it is
// one run (not sparse), its entry's size is known and differs from the
// length meta.conf gives: the patched result is what meta.conf
// describes (length and BLAKE2b-256), and it goes to the handler's actions
// as a full resource's bytes would. Its source is what the on-resource
// handler names: a raw region of the target (delta-source-raw-offset and
// -count, in blocks, optionally encrypted: delta-source-raw-options), or a
// file of a FAT filesystem (delta-source-fat-offset and -path), read
// through the same block cache as the writes.

// patchPiece is how much patched output fwup hands the actions at a time
// (its xdelta reader returns at most 128 KiB), which sets the progress
// fwup reports.
const patchPiece = 128 << 10

// DeltaWithoutSourceError is a patch in a handler that says nowhere to
// find its source: a delta update given to a task that takes full
// resources (a complete burn, say). Its text is fwup's.
type DeltaWithoutSourceError struct {
	Resource   string
	Size, Want int64 // the entry's size, meta.conf's length
}

func (e *DeltaWithoutSourceError) Error() string {
	return fmt.Sprintf("File '%s' isn't expected size (%d vs %d) and xdelta3 patch support not enabled on it. (Add delta-source-raw-offset / delta-source-raw-count or delta-source-fat-offset / delta-source-fat-path)",
		e.Resource, int32(e.Size), int32(e.Want))
}

// DeltaError is a patch that does not apply to its source: damaged, made
// against other data, or of a kind fwup's xdelta3 refuses.
type DeltaError struct {
	Resource string
	Err      error
}

func (e *DeltaError) Error() string { return "xdelta3 error: " + e.Err.Error() }
func (e *DeltaError) Unwrap() error { return e.Err }

// isPatch is fwup's test for a delta resource.
func isPatch(m []int64, sizeKnown bool, size int64) bool {
	return len(m) == 1 && sizeKnown && size != m[0]
}

// patchSource finds a patch's source from its handler's keys.
func (e *engine) patchSource(h *conf.Section, name string, size, want int64) (io.ReaderAt, int64, error) {
	if h.Has("delta-source-raw-offset") && h.Int("delta-source-raw-count") > 0 {
		base := int64(ull(h.String("delta-source-raw-offset"))) * BlockSize
		src := cacheSource{c: e.cache, base: base}
		if h.Has("delta-source-raw-options") {
			dc, err := newDiskCipher(base, []string{h.String("delta-source-raw-options")})
			if err != nil {
				return nil, 0, err
			}
			src.dc = dc
		}
		return src, h.Int("delta-source-raw-count") * BlockSize, nil
	}
	if h.Has("delta-source-fat-offset") && h.Has("delta-source-fat-path") {
		src := fatSource{e: e, offset: int64(ull(h.String("delta-source-fat-offset"))), path: h.String("delta-source-fat-path")}
		n, err := e.fat.FileSize(src.offset, src.path)
		if err != nil {
			return nil, 0, err
		}
		return src, n, nil
	}
	return nil, 0, &DeltaWithoutSourceError{Resource: name, Size: size, Want: want}
}

// patchReader decodes a patch against its source.
type patchReader struct {
	r        *vcdiff.Reader
	resource string
}

func (p patchReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && err != io.EOF {
		err = &DeltaError{Resource: p.resource, Err: err}
	}
	return n, err
}

// cacheSource is a raw region of the target, through the cache, decrypted
// when the region is encrypted.
type cacheSource struct {
	c    *Cache
	base int64
	dc   *diskCipher
}

func (s cacheSource) ReadAt(p []byte, off int64) (int, error) {
	if s.dc == nil {
		return s.c.ReadAt(p, s.base+off)
	}
	start := off / BlockSize * BlockSize
	end := (off + int64(len(p)) + BlockSize - 1) / BlockSize * BlockSize
	buf := make([]byte, end-start)
	if _, err := s.c.ReadAt(buf, s.base+start); err != nil {
		return 0, err
	}
	s.dc.open(buf, s.base+start)
	return copy(p, buf[off-start:]), nil
}

// fatSource is a file of a FAT filesystem of the target.
type fatSource struct {
	e      *engine
	offset int64
	path   string
}

func (s fatSource) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.e.fat.PRead(s.offset, s.path, off, p)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}
