package mbr

import "github.com/firmwright/firmwright/internal/fwtest"

// fixtures is the fwup reference set (testdata/fwup-ref, made by a real
// fwup with testdata/record-fwup).
const fixtures = "../../testdata/fwup-ref"

// apply writes blocks in order onto an empty image and keeps the
// non-zero ones, as the fwtest.Golden files do.
func apply(blocks []Block) fwtest.Golden {
	g := fwtest.Golden{}
	for _, b := range blocks {
		g[b.LBA] = b.Data
	}
	return g.DropZero()
}
