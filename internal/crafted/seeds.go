package crafted

import (
	"bytes"
	"io"

	"github.com/firmwright/firmwright/fwup/archive"
)

// Data is the resource "data" every crafted archive carries.
func Data() []byte { return bytes.Clone(data) }

// MetaConfs are the meta.conf texts of every crafted archive: seeds for
// fuzzing meta.conf inside an archive.
func MetaConfs() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range All() {
		fw, ok := c.Files[Input]
		if !ok {
			continue
		}
		m, ok := metaOf(fw)
		if ok && !seen[m] && len(m) < 4096 {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// Configs are the fwup.conf texts of the create cases small enough to
// seed a fuzzer.
func Configs() []string {
	var out []string
	for _, c := range Blowups() {
		if b := c.Files[Config]; len(b) < 4096 {
			out = append(out, string(b))
		}
	}
	return out
}

// metaOf is the archive's meta.conf, if it has one that reads.
func metaOf(fw []byte) (string, bool) {
	zr := archive.NewReader(bytes.NewReader(fw))
	if _, err := zr.Next(); err != nil {
		return "", false
	}
	b, err := io.ReadAll(zr)
	return string(b), err == nil
}
