package fwup

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/internal/fwtest"
)

var chunkKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))

// TestCheckChunks: the reference config signed has an index that every
// resource matches; an index signed with one wrong sum passes fwup -V's
// checks (the index is one more resource to them) but not CheckChunks.
func TestCheckChunks(t *testing.T) {
	data, opts := refCreateOptions(t, fwtest.Ref(t, "fwup.conf"))
	opts.Key, opts.ChunkIndex = chunkKey, true
	p, err := Prepare(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	var good bytes.Buffer
	if err := p.Write(&good, opts); err != nil {
		t.Fatal(err)
	}
	pubs := []ed25519.PublicKey{chunkKey.Public().(ed25519.PublicKey)}
	if n, err := CheckChunks(bytes.NewReader(good.Bytes()), "good.fw", pubs, nil); err != nil || n != 11 {
		t.Fatalf("good: %d resources checked, %v; want 11", n, err)
	}

	ix, err := chunkindex.Parse([]byte(p.Resources[0].parts[0].contents))
	if err != nil {
		t.Fatal(err)
	}
	ix.Find("rootfs.img").Sums[1][0] ^= 1
	b := ix.Encode()
	sum := blake2b.Sum256(b)
	p.Resources[0].parts[0].contents, p.Resources[0].Hash = string(b), hex.EncodeToString(sum[:])
	p.Resources[0].CRC = crc32.ChecksumIEEE(b)
	p.Config.Find("file-resource", chunkindex.Resource).Set("blake2b-256", p.Resources[0].Hash)
	p.Meta = p.Config.MetaConf()
	var bad bytes.Buffer
	if err := p.Write(&bad, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(bytes.NewReader(bad.Bytes()), "bad.fw", pubs, nil); err != nil {
		t.Errorf("fwup -V's checks: %v", err)
	}
	_, err = CheckChunks(bytes.NewReader(bad.Bytes()), "bad.fw", pubs, nil)
	var mm *chunkindex.MismatchError
	if !errors.As(err, &mm) || mm.Resource != "rootfs.img" || mm.Chunk != 1 {
		t.Errorf("bad index: %v, want rootfs.img's chunk 1", err)
	}
}

// TestChunkIndexNameReserved: a config of one's own naming the index's
// resource is refused when the index is to be added, and left alone
// otherwise.
func TestChunkIndexNameReserved(t *testing.T) {
	config := []byte(`file-resource "/firmwright-chunk-index" { contents = "mine" }` + "\n")
	opts := CreateOptions{Name: "mine.conf", Env: map[string]string{}, Key: chunkKey, ChunkIndex: true}
	if _, err := Prepare(config, opts); err == nil || !strings.Contains(err.Error(), "--no-chunk-index") {
		t.Errorf("with the index: %v", err)
	}
	opts.ChunkIndex = false
	if _, err := Prepare(config, opts); err != nil {
		t.Errorf("without the index: %v", err)
	}
}
