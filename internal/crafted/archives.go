package crafted

import (
	"archive/zip"
	"bytes"
	"fmt"

	"golang.org/x/crypto/blake2b"
)

// goZip is the archive Go's zip.Writer makes of meta and the data
// resource: every entry with a data descriptor after it, stored or
// deflated.
func goZip(meta string, method uint16) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range []struct {
		name string
		data []byte
	}{{"meta.conf", []byte(meta)}, {"data/data", data}} {
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		must(err)
		_, err = f.Write(e.data)
		must(err)
	}
	must(w.Close())
	return b.Bytes()
}

// Archives is class 9: archives cut or corrupted around the last entry,
// where an error is easy to miss, and entries with data descriptors,
// stored and deflated, as Go's zip.Writer makes them.
func Archives() []Case {
	meta := metaWith("5120", handler(`on-resource "data"`, funlist("raw_write", "0")))
	var cs []Case
	for _, m := range []struct {
		name   string
		method uint16
	}{{"stored", zip.Store}, {"deflated", zip.Deflate}} {
		fw := goZip(meta, m.method)
		cs = append(cs, wanting(Applies, archiveCases(9, m.name+"-with-descriptors", fw, "apply", "verify", "native-apply"))...)
		central := bytes.Index(fw, []byte("PK\x01\x02"))
		// Cut in the last entry's data or descriptor, it must fail; cut
		// at or in the central directory, which fwup never reads, it
		// may apply.
		for cut := central - 24; cut <= central+4; cut += 2 {
			v := Fails
			if cut >= central {
				v = Either
			}
			cs = append(cs, wanting(v, archiveCases(9, fmt.Sprintf("%s-cut-at-%d", m.name, cut-central), fw[:cut], "apply", "verify"))...)
		}
		bad := bytes.Clone(fw)
		desc := bytes.LastIndex(bad[:central], []byte("PK\x07\x08"))
		bad[desc+4] ^= 0xff // the last entry's CRC
		cs = append(cs, wanting(Fails, archiveCases(9, m.name+"-bad-last-crc", bad, "apply", "verify", "native-apply"))...)
	}
	// Damage between two resources: the second's local header signature.
	two := Archive(dataResource("5120")+"file-resource \"r2\" {\nlength=5120\n"+
		fmt.Sprintf("blake2b-256=%x\n}\n", blake2b.Sum256(data))+
		task(handler(`on-resource "data"`, funlist("raw_write", "0"))+handler(`on-resource "r2"`, funlist("raw_write", "64"))),
		Resource{"data", data}, Resource{"r2", data})
	at := bytes.LastIndex(two, []byte("PK\x03\x04"))
	two = bytes.Clone(two)
	two[at+3] = 0x09
	cs = append(cs, wanting(Fails, archiveCases(9, "damaged-between-resources", two, "apply", "verify", "native-apply"))...)
	return cs
}
