package rootfs

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSquashFS: no image, however damaged, makes the SquashFS reader
// panic or read without end.
func FuzzSquashFS(f *testing.F) {
	f.Add([]byte("hsqs"))
	if b, err := os.ReadFile(filepath.Join("testdata", "fuzz-seed.squashfs")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		p := filepath.Join(t.TempDir(), "x.squashfs")
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		tree, err := FromSquashFS(p)
		if err != nil {
			return
		}
		for _, e := range tree.Entries {
			if e.Open == nil {
				continue
			}
			if r, err := e.Open(); err == nil {
				io.Copy(io.Discard, io.LimitReader(r, 1<<20))
				r.Close()
			}
		}
	})
}
