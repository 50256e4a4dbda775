package fwup

import (
	"encoding/hex"
	"fmt"
	"hash/crc32"

	"golang.org/x/crypto/blake2b"

	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/meta"
)

// addChunkIndex makes the chunk index of the plan's resources its first
// resource: listed first in meta.conf (whose signature then covers its
// hash), written first after meta.conf, used by no task. A config of
// its own that already names the index's resource is refused: the name is
// firmwright's.
func (p *Plan) addChunkIndex(config string, index *chunkindex.Index) error {
	if sec := p.Config.Find("file-resource", chunkindex.Resource); sec != nil {
		return fmt.Errorf("%s: file-resource '%s' is the name firmwright gives its chunk index; rename it, or leave the index out (--no-chunk-index)", config, chunkindex.Resource)
	}
	data := index.Encode()
	sum := blake2b.Sum256(data)
	res := &Resource{Name: chunkindex.Resource, Hash: hex.EncodeToString(sum[:]), CRC: crc32.ChecksumIEEE(data),
		parts: []part{{contents: string(data)}}, index: true}
	res.Map = meta.SparseMap{}.AppendRun(false, int64(len(data)))
	sec := p.Config.Prepend("file-resource", chunkindex.Resource)
	if sec == nil {
		return fmt.Errorf("%s: the config schema has no file-resource (firmwright bug)", config)
	}
	sec.Set("length", res.Map.Lengths()...)
	sec.Set("blake2b-256", res.Hash)
	p.Resources = append([]*Resource{res}, p.Resources...)
	return nil
}
