//go:build unix

package holes

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCopySparse: a 256 MiB stream of zeros with a little data at the
// start and the middle takes a few blocks on disk, reads back the same,
// and keeps its size when it ends in a hole.
func TestCopySparse(t *testing.T) {
	const size = 256 << 20
	data := []byte("data at the start")
	mid := []byte("data in the middle")
	src := io.MultiReader(bytes.NewReader(data), io.LimitReader(zeroReader{}, size/2-int64(len(data))),
		bytes.NewReader(mid), io.LimitReader(zeroReader{}, size/2-int64(len(mid))))
	p := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Copy(f, src)
	if err != nil || n != size {
		t.Fatalf("copied %d, %v", n, err)
	}
	f.Close()
	fi, err := os.Stat(p)
	if err != nil || fi.Size() != size {
		t.Fatalf("size %v, %v", fi.Size(), err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Blocks*512 > 1<<20 {
		t.Errorf("%d bytes on disk for %d bytes of data", st.Blocks*512, len(data)+len(mid))
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got[:len(data)], data) || !bytes.Equal(got[size/2:size/2+len(mid)], mid) {
		t.Error("the data did not read back")
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
