package apply

import (
	"encoding/hex"
	"fmt"
	"io"

	"golang.org/x/crypto/blake2b"

	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/meta"
)

// A signed archive whose meta.conf lists firmwright's chunk index (package
// chunkindex) has each resource's data checked a chunk at a time before
// the chunk is written, so a tampered resource stops the apply before
// its first bad byte reaches the target; fwup checks a resource only after
// all of it is written. The index is read before on-init runs; an archive
// without one, or whose signature was not checked, applies as in fwup.

// maxIndexSize bounds the index read into memory: 32 bytes per 128 KiB
// chunk cover 256 GiB of resources.
const maxIndexSize = 64 << 20

// loadChunkIndex reads the chunk index when the verified meta.conf lists
// one: it must be the first entry after meta.conf (a signer put it there,
// so anything else is tampering), and list every other resource at
// meta.conf's length.
func (e *engine) loadChunkIndex() error {
	sec := e.cfg.Find("file-resource", chunkindex.Resource)
	if !e.meta.Verified || sec == nil {
		return nil
	}
	where := e.opts.Input
	if where == "" {
		where = "the archive on standard input"
	}
	h, err := e.zr.Next()
	if err != nil {
		return fmt.Errorf("%s: meta.conf lists the chunk index '%s', but no entry follows meta.conf (%v)", where, chunkindex.Resource, err)
	}
	if meta.ResourceName(h.Name) != chunkindex.Resource {
		return fmt.Errorf("%s: meta.conf lists the chunk index '%s', but the entry after meta.conf is '%s'; expected the index before every resource", where, chunkindex.Resource, h.Name)
	}
	want := meta.MapOf(sec)
	if len(want) != 1 || want[0] > maxIndexSize {
		return fmt.Errorf("%s: the chunk index's length in meta.conf is %v, expected one run of at most %d bytes", where, want, maxIndexSize)
	}
	data, err := io.ReadAll(io.LimitReader(e.zr, want[0]+1))
	if err != nil {
		return err
	}
	sum := blake2b.Sum256(data)
	if int64(len(data)) != want[0] || hex.EncodeToString(sum[:]) != sec.String("blake2b-256") {
		return fmt.Errorf("%s: the chunk index '%s' is not the one meta.conf's length and blake2b-256 describe", where, chunkindex.Resource)
	}
	ix, err := chunkindex.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if err := e.checkIndexCovers(ix); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	e.index = ix
	return nil
}

// checkIndexCovers checks that the index has every other resource of
// meta.conf, at its data length.
func (e *engine) checkIndexCovers(ix *chunkindex.Index) error {
	for _, sec := range e.cfg.Sections("file-resource") {
		if sec.Title == chunkindex.Resource {
			continue
		}
		en := ix.Find(sec.Title)
		want := meta.MapOf(sec).DataSize()
		if en == nil {
			return fmt.Errorf("the chunk index has no entry for file-resource '%s'", sec.Title)
		}
		if en.Length != want {
			return fmt.Errorf("the chunk index gives file-resource '%s' %d data bytes, meta.conf %d", sec.Title, en.Length, want)
		}
	}
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
		// checkIndexCovers found every resource of meta.conf.
		return io.MultiReader(r, errReader{fmt.Errorf("the chunk index has no entry for file-resource '%s'", name)})
	}
	return chunkindex.NewReader(r, en, e.index.ChunkSize)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
