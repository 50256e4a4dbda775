package apply_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/meta"
)

var indexKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// indexedArchives are faultConfig's archive signed, with the chunk index
// and without, of the same inputs.
func indexedArchives(t *testing.T) (with, without []byte) {
	t.Helper()
	plain := archiveOf(t, faultConfig, nil) // for its inputs
	dir := t.TempDir()
	for _, name := range []string{"rootfs.img", "kernel"} {
		if err := os.WriteFile(filepath.Join(dir, name), entryOf(t, plain, "data/"+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	create := func(index bool) []byte {
		var fw bytes.Buffer
		_, err := fwup.Create(&fw, []byte(faultConfig), fwup.CreateOptions{Env: map[string]string{"DIR": dir}, Name: "fault.conf", Dir: dir,
			Time: time.Unix(1700000000, 0), Key: indexKey, ChunkIndex: index})
		if err != nil {
			t.Fatal(err)
		}
		return fw.Bytes()
	}
	return create(true), create(false)
}

type entry struct {
	name string
	data []byte
}

func entriesOf(t *testing.T, fw []byte) []entry {
	t.Helper()
	zr := archive.NewReader(bytes.NewReader(fw))
	var out []entry
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{h.Name, b})
	}
}

func entryOf(t *testing.T, fw []byte, name string) []byte {
	t.Helper()
	for _, e := range entriesOf(t, fw) {
		if e.name == name {
			return e.data
		}
	}
	t.Fatalf("no entry %s", name)
	return nil
}

// writeEntries writes entries stored, meta.conf signed again with
// indexKey (the signature entry is made, not copied).
func writeEntries(t *testing.T, es []entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := archive.NewWriter(&b)
	for _, e := range es {
		if e.name == meta.SignatureName {
			continue
		}
		if e.name == meta.MetaConfName {
			if err := zw.WriteStored(archive.Entry{Name: meta.SignatureName}, keys.Sign(indexKey, e.data)); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.WriteStored(archive.Entry{Name: e.name}, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func applySigned(fw []byte) (*apply.Memory, error) {
	m := &apply.Memory{}
	_, err := applyBytes(fw, m, apply.Options{PublicKeys: []ed25519.PublicKey{indexKey.Public().(ed25519.PublicKey)}})
	return m, err
}

// TestChunkIndexApplies: with the key, an indexed archive makes the same
// target as the archive without the index.
func TestChunkIndexApplies(t *testing.T) {
	indexed, plain := indexedArchives(t)
	with, err := applySigned(indexed)
	if err != nil {
		t.Fatal(err)
	}
	without, err := applySigned(plain)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(with.Bytes(), without.Bytes()) {
		t.Error("the index changed what was written")
	}
}

// TestChunkIndexRefused: an index out of place, or one that does not
// cover a resource, is refused before anything is written, though the
// signature is good.
func TestChunkIndexRefused(t *testing.T) {
	indexed, _ := indexedArchives(t)
	es := entriesOf(t, indexed)
	if es[2].name != "firmwright-chunk-index" {
		t.Fatalf("entries %v: the index is not first after meta.conf", es)
	}
	moved := append(append([]entry{es[0], es[1]}, es[3:]...), es[2])

	ix, err := chunkindex.Parse(es[2].data)
	if err != nil {
		t.Fatal(err)
	}
	ix.Resources = ix.Resources[:1]
	short := append([]entry(nil), es...)
	short[2].data = ix.Encode()
	if !bytes.Contains(es[1].data, []byte(metaLine(t, es[2].data))) {
		t.Fatalf("meta.conf does not describe the index as metaLine does:\n%s", es[1].data)
	}
	short[1].data = []byte(strings.Replace(string(es[1].data), metaLine(t, es[2].data), metaLine(t, short[2].data), 1))

	for name, tc := range map[string]struct {
		es   []entry
		want string
	}{
		"moved":    {moved, "expected the index before every resource"},
		"uncovers": {short, "has no entry for file-resource 'kernel'"},
	} {
		m, err := applySigned(writeEntries(t, tc.es))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
		if m.Size() != 0 {
			t.Errorf("%s: %d bytes written", name, m.Size())
		}
	}
}

// metaLine is the meta.conf text that describes an index's bytes.
func metaLine(t *testing.T, data []byte) string {
	t.Helper()
	sum := blake2b.Sum256(data)
	return fmt.Sprintf("length=%d\nblake2b-256=%x\n", len(data), sum)
}

// TestChunkIndexStopsAtBadChunk: a byte changed in rootfs.img's third
// chunk (meta.conf and signature untouched) fails with the chunk named,
// and none of that chunk or after it is on the target.
func TestChunkIndexStopsAtBadChunk(t *testing.T) {
	indexed, _ := indexedArchives(t)
	es := entriesOf(t, indexed)
	for i := range es {
		if es[i].name == "data/rootfs.img" {
			es[i].data = bytes.Clone(es[i].data)
			es[i].data[2*chunkindex.ChunkSize+5] ^= 1
		}
	}
	var b bytes.Buffer
	zw := archive.NewWriter(&b)
	for _, e := range es {
		if err := zw.WriteStored(archive.Entry{Name: e.name}, e.data); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	m, err := applySigned(b.Bytes())
	var mm *chunkindex.MismatchError
	if !errors.As(err, &mm) || mm.Resource != "rootfs.img" || mm.Chunk != 2 {
		t.Fatalf("err %v, want a mismatch of rootfs.img's chunk 2", err)
	}
	from := int64(65536*512 + 2*chunkindex.ChunkSize)
	if img := m.Bytes(); int64(len(img)) > from && !allZero(img[from:]) {
		t.Error("bytes of the bad chunk or after it were written")
	}
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }
