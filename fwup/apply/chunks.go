package apply

import (
	"fmt"
	"io"

	"github.com/firmwright/firmwright/fwup/chunkindex"
)

// A signed archive whose meta.conf lists firmwright's chunk index (package
// chunkindex) has each resource's data checked a chunk at a time before
// the chunk is written, so a tampered resource stops the apply before
// its first bad byte reaches the target; fwup checks a resource only after
// all of it is written. The index is read before on-init runs; an archive
// without one, or whose signature was not checked, applies as in fwup.

// loadChunkIndex reads the chunk index when the verified meta.conf lists
// one (chunkindex.Read says what it must be).
func (e *engine) loadChunkIndex() error {
	if !e.meta.Verified || !chunkindex.Listed(e.cfg) {
		return nil
	}
	ix, err := chunkindex.Read(e.zr, e.cfg)
	if err != nil {
		where := e.opts.Input
		if where == "" {
			where = "the archive on standard input"
		}
		return fmt.Errorf("%s: %w", where, err)
	}
	e.index = ix
	return nil
}

// checked is a resource's decoded data, checked against the index when
// the archive has one.
func (e *engine) checked(name string, r io.Reader) io.Reader {
	if e.index == nil {
		return r
	}
	en := e.index.Find(name)
	if en == nil {
		// chunkindex.Read found every resource of meta.conf there, so
		// this is not reached; were it, nothing unchecked is given.
		return errReader{fmt.Errorf("the chunk index has no entry for file-resource '%s'", name)}
	}
	return chunkindex.NewReader(r, en, e.index.ChunkSize)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
