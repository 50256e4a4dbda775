package fwtest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"testing"
)

// GoZip is an archive of the named entries (name, data, name, data...) as
// Go's archive/zip writes it with method (zip.Store or zip.Deflate): every
// entry followed by a data descriptor, and for zip.Store no sizes in the
// local header, so a streaming reader finds the data's end only by the
// descriptor, as libarchive (and so fwup) does.
func GoZip(t testing.TB, method uint16, entries ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entries[i], Method: method})
		if err == nil {
			_, err = w.Write([]byte(entries[i+1]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// GoZipCentral is where GoZip's central directory starts: the last data
// descriptor (16 bytes, its CRC at 4) ends there.
func GoZipCentral(b []byte) int { return bytes.Index(b, []byte("PK\x01\x02")) }

// GoZipLastLocal is where the last entry's local header starts in b.
func GoZipLastLocal(b []byte) int {
	return bytes.LastIndex(b[:GoZipCentral(b)], []byte("PK\x03\x04"))
}

// FlipCRC returns b with the data descriptor's CRC that ends at end (a
// local header or the central directory) changed.
func FlipCRC(b []byte, end int) []byte {
	out := append([]byte(nil), b...)
	at := end - 12
	binary.LittleEndian.PutUint32(out[at:], binary.LittleEndian.Uint32(out[at:])^1)
	return out
}
