package chunkindex

import (
	"encoding/hex"
	"fmt"
	"io"

	"golang.org/x/crypto/blake2b"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/meta"
)

// maxIndexSize bounds the index read into memory: 32 bytes per 128 KiB
// chunk cover 256 GiB of resources.
const maxIndexSize = 64 << 20

// Listed reports whether a meta.conf lists the index.
func Listed(cfg *conf.Section) bool { return cfg.Find("file-resource", Resource) != nil }

// Read reads the index from an archive whose meta.conf (cfg) lists it,
// zr being just past meta.conf: the index must be the next entry (a
// signer put it there, so anything else is tampering), be what meta.conf's
// length and BLAKE2b-256 say, and cover every other resource of meta.conf
// at its data length.
func Read(zr *archive.Reader, cfg *conf.Section) (*Index, error) {
	sec := cfg.Find("file-resource", Resource)
	h, err := zr.Next()
	if err != nil {
		return nil, fmt.Errorf("meta.conf lists the chunk index '%s', but no entry follows meta.conf (%v)", Resource, err)
	}
	if meta.ResourceName(h.Name) != Resource {
		return nil, fmt.Errorf("meta.conf lists the chunk index '%s', but the entry after meta.conf is '%s'; expected the index before every resource", Resource, h.Name)
	}
	want := meta.MapOf(sec)
	if len(want) != 1 || want[0] > maxIndexSize {
		return nil, fmt.Errorf("the chunk index's length in meta.conf is %v, expected one run of at most %d bytes", want, maxIndexSize)
	}
	data, err := io.ReadAll(io.LimitReader(zr, want[0]+1))
	if err != nil {
		return nil, err
	}
	sum := blake2b.Sum256(data)
	if int64(len(data)) != want[0] || hex.EncodeToString(sum[:]) != sec.String("blake2b-256") {
		return nil, fmt.Errorf("the chunk index '%s' is not the one meta.conf's length and blake2b-256 describe", Resource)
	}
	ix, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return ix, ix.covers(cfg)
}

// covers checks that the index has every other resource of meta.conf, at
// its data length.
func (ix *Index) covers(cfg *conf.Section) error {
	for _, sec := range cfg.Sections("file-resource") {
		if sec.Title == Resource {
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
