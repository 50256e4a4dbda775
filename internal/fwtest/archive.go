package fwtest

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/fwup/archive"
)

// MetaConf returns the meta.conf inside the archive at path.
func MetaConf(t testing.TB, path string) []byte { return Entry(t, path, metaConf) }

// metaConf is meta.conf's name in an archive (fwup/meta imports keys,
// whose tests use this package).
const metaConf = "meta.conf"

// Entry returns the contents of the entry name of the archive at path.
func Entry(t testing.TB, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ReplaceEntry writes a copy of the .fw at path with one entry's
// contents replaced, the way mix firmware.patch zips a patch into a copy
// of the new firmware, and returns the copy's path.
func ReplaceEntry(t testing.TB, path, name string, data []byte) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr := archive.NewReader(f)
	var out bytes.Buffer
	zw := archive.NewWriter(&out)
	for {
		h, err := zr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b := data
		if h.Name != name {
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %s: %v", path, h.Name, err)
			}
		}
		e := archive.Entry{Name: h.Name}
		if h.Name == metaConf {
			e.Modified = &h.Modified
		}
		if err := zw.WriteStored(e, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "replaced.fw")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// StoredOrDeflated returns the method (archive.MethodStore or
// MethodDeflate) and contents of the entry name of the archive fw.
func StoredOrDeflated(t testing.TB, fw []byte, name string) (uint16, []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(fw), int64(len(fw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f.Method, b
	}
	t.Fatalf("no entry %s", name)
	return 0, nil
}
