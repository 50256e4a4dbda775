package apply

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
	"golang.org/x/crypto/blake2b"
)

// goZipFirmware is a .fw as Go's zip.Writer makes it with method: two
// resources raw_written at blocks 0 and 100, the second a whole number
// of chunkSize reads long, so nothing but a check at its end sees damage
// after its data.
func goZipFirmware(t *testing.T, method uint16) (fw []byte, r1, r2 []byte) {
	r1 = bytes.Repeat([]byte("first resource "), 200)
	r2 = bytes.Repeat([]byte{0xa5, 0x5a, 'P', 'K', 7, 8, 1, 2}, 2*chunkSize/8)
	var meta strings.Builder
	for _, r := range []struct {
		name string
		data []byte
	}{{"r1", r1}, {"r2", r2}} {
		sum := blake2b.Sum256(r.data)
		fmt.Fprintf(&meta, "file-resource \"%s\" {\nlength=%d\nblake2b-256=%s\n}\n", r.name, len(r.data), hex.EncodeToString(sum[:]))
	}
	meta.WriteString("task \"complete\" {\non-resource \"r1\" {\nfunlist={2,raw_write,0}\n}\non-resource \"r2\" {\nfunlist={2,raw_write,100}\n}\n}\n")
	return fwtest.GoZip(t, method, "meta.conf", meta.String(), "data/r1", string(r1), "data/r2", string(r2)), r1, r2
}

// TestGoZipArchives: stored entries with data descriptors apply as fwup
// applies them; damage to the last entry (a bad CRC, a cut in or after
// its descriptor) fails the apply with libarchive's words, as in fwup.
func TestGoZipArchives(t *testing.T) {
	dir := t.TempDir()
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		fw, r1, r2 := goZipFirmware(t, method)
		cases := map[string][]byte{
			"whole":     fw,
			"bad CRC":   fwtest.FlipCRC(fw, fwtest.GoZipCentral(fw)),
			"cut in":    fw[:fwtest.GoZipCentral(fw)-6],
			"cut after": fw[:fwtest.GoZipCentral(fw)],
		}
		for name, b := range cases {
			path := filepath.Join(dir, "x.fw")
			img := filepath.Join(dir, "x.img")
			os.Remove(img)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := applyFile(t, path, img, "complete", Options{})
			if name != "whole" {
				if err == nil || !strings.Contains(err.Error(), "data/r2") {
					t.Errorf("method %d, %s: %v, want an error in data/r2", method, name, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("method %d: %v", method, err)
			}
			got, _ := os.ReadFile(img)
			if !bytes.Equal(got[:len(r1)], r1) || len(got) < 100*512+len(r2) || !bytes.Equal(got[100*512:100*512+len(r2)], r2) {
				t.Errorf("method %d: the image does not hold the resources", method)
			}
		}
	}
}
