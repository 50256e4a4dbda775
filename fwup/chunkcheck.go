package fwup

import (
	"crypto/ed25519"
	"io"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/meta"
)

// CheckChunks reads an archive through and checks every resource's data
// against the archive's chunk index, chunk by chunk: what firmwright
// verify adds to fwup -V's checks, which see the index as one more
// resource, so that an index that would stop an apply midway is found
// first. It returns how many resources it checked: 0, and no error, when
// meta.conf lists no index. A patch is passed over: the index describes
// its decoded result, which needs the device's old firmware.
func CheckChunks(r io.Reader, name string, pubs []ed25519.PublicKey, env map[string]string) (int, error) {
	zr := archive.NewReader(r)
	m, err := meta.Read(zr, name, pubs, env)
	if err != nil || !chunkindex.Listed(m.Config) {
		return 0, err
	}
	ix, err := chunkindex.Read(zr, m.Config)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		en := ix.Find(meta.ResourceName(h.Name))
		if en == nil || h.SizeKnown && h.Size != en.Length {
			continue
		}
		if _, err := io.Copy(io.Discard, chunkindex.NewReader(zr, en, ix.ChunkSize)); err != nil {
			return n, err
		}
		n++
	}
}
