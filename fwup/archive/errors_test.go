package archive_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/internal/fwtest"
)

// awkward is data that holds a data descriptor's signature, so a reader
// that ends stored data at the first "PK\x07\x08" cuts it short.
var awkward = strings.Repeat("PK\x07\x08 not the end ", 50)

// readAll reads every entry of b, returning each one's data.
func readAll(b []byte) (map[string]string, error) {
	zr := archive.NewReader(bytes.NewReader(b))
	got := map[string]string{}
	for {
		h, err := zr.Next()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		d, err := io.ReadAll(zr)
		if err != nil {
			return got, err
		}
		got[h.Name] = string(d)
	}
}

// TestGoZipStored reads what Go's zip.Writer makes with Method: Store (a
// data descriptor and no sizes in the local header), which fwup applies:
// empty, small and awkward entries come back whole.
func TestGoZipStored(t *testing.T) {
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		b := fwtest.GoZip(t, method, "meta.conf", "x=1\n", "data/empty", "", "data/awk", awkward, "data/last", "tail")
		got, err := readAll(b)
		if err != nil {
			t.Fatalf("method %d: %v", method, err)
		}
		want := map[string]string{"meta.conf": "x=1\n", "data/empty": "", "data/awk": awkward, "data/last": "tail"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("method %d: %s = %q, want %q", method, k, got[k], v)
			}
		}
	}
}

// TestLastEntryErrors: damage to the last entry fails as libarchive says
// (and fwup exits 1): a cut inside its data descriptor, a cut right after
// it (no central directory), a bad CRC in it.
func TestLastEntryErrors(t *testing.T) {
	for _, tc := range []struct {
		method uint16
		name   string
		damage func([]byte) []byte
		want   string
		cut    bool
	}{
		{zip.Deflate, "cut in descriptor", func(b []byte) []byte { return b[:fwtest.GoZipCentral(b)-6] }, "Truncated ZIP end-of-file record", true},
		{zip.Deflate, "cut after descriptor", func(b []byte) []byte { return b[:fwtest.GoZipCentral(b)] }, "Truncated ZIP end-of-file record", true},
		{zip.Deflate, "bad CRC", func(b []byte) []byte { return fwtest.FlipCRC(b, fwtest.GoZipCentral(b)) }, "ZIP bad CRC: 0x", false},
		// Stored data is scanned for its descriptor: libarchive wants 24
		// bytes in hand to check one, and a bad CRC matches none.
		{zip.Store, "cut in descriptor", func(b []byte) []byte { return b[:fwtest.GoZipCentral(b)-6] }, "Truncated ZIP file data", true},
		{zip.Store, "cut after descriptor", func(b []byte) []byte { return b[:fwtest.GoZipCentral(b)] }, "Truncated ZIP file data", true},
		{zip.Store, "bad CRC", func(b []byte) []byte { return fwtest.FlipCRC(b, fwtest.GoZipCentral(b)) }, "Truncated ZIP file data", true},
	} {
		b := tc.damage(fwtest.GoZip(t, tc.method, "meta.conf", "x=1\n", "data/a", awkward, "data/b", "last entry"))
		_, err := readAll(b)
		var ae *archive.Error
		if !errors.As(err, &ae) || !strings.HasPrefix(ae.Libarchive, tc.want) || ae.Entry != "data/b" {
			t.Errorf("method %d, %s: %v (%#v), want %q in data/b", tc.method, tc.name, err, ae, tc.want)
			continue
		}
		if errors.Is(err, archive.ErrTruncated) != tc.cut || !errors.Is(err, archive.ErrFormat) {
			t.Errorf("method %d, %s: %v: truncated %v, want %v", tc.method, tc.name, err, errors.Is(err, archive.ErrTruncated), tc.cut)
		}
	}
}

// TestMidArchiveErrors: an error between entries is Next's, and names
// what came before it and what was expected.
func TestMidArchiveErrors(t *testing.T) {
	b := fwtest.GoZip(t, zip.Deflate, "meta.conf", "x=1\n", "data/a", "first", "data/b", "second")
	badSig := append([]byte(nil), b...)
	badSig[fwtest.GoZipLastLocal(b)+3] = 9
	_, err := readAll(badSig)
	if err == nil || !strings.Contains(err.Error(), "after data/a") || !strings.Contains(err.Error(), "expected a local file header") {
		t.Errorf("bad signature: %v", err)
	}
	badCRC := fwtest.FlipCRC(b, fwtest.GoZipLastLocal(b))
	_, err = readAll(badCRC)
	var ae *archive.Error
	if !errors.As(err, &ae) || ae.Entry != "data/a" || !strings.HasPrefix(ae.Libarchive, "ZIP bad CRC") {
		t.Errorf("bad CRC mid-archive: %v", err)
	}
}
