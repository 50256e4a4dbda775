package gpt

import "github.com/firmwright/firmwright/internal/fwtest"

// fixtures is the shared fwup reference directory (see its README.md).
const fixtures = "../../../shared/fixtures/fwup-ref"

// apply writes blocks in order onto an empty image and keeps the
// non-zero ones, as the fwtest.Golden files do.
func apply(blocks []Block) fwtest.Golden {
	g := fwtest.Golden{}
	for _, b := range blocks {
		g[b.LBA] = b.Data
	}
	return g.DropZero()
}
