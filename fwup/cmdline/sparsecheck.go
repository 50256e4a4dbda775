package cmdline

import (
	"fmt"
	"os"

	"github.com/firmwright/firmwright/internal/holes"
)

// sparseCheck is fwup's --sparse-check: can files at path have holes (of
// size bytes)? The test file is removed afterwards.
func sparseCheck(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("Couldn't create sparse test file: %s", path)
	}
	defer os.Remove(path)
	defer f.Close()
	if n, err := f.WriteAt([]byte{0, 0, 0, 3}, size); err != nil || n != 4 {
		return fmt.Errorf("Sparse check write to offset %d failed.", int32(size))
	}
	if off, err := f.Seek(0, holes.SeekData); err != nil || off != size {
		return fmt.Errorf("Hole of %d bytes not created on filesystem", int32(size))
	}
	return nil
}
