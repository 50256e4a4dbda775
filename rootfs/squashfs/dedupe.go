package squashfs

import (
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
)

// contentKey identifies a file's contents for duplicate detection.
type contentKey struct {
	size int64
	sum  [sha256.Size]byte
}

// hashCandidates computes the SHA-256 of every file whose size another
// file has: only those can be duplicates, and knowing which are before
// any data is written lets a duplicate point at the first copy's blocks
// without storing and then discarding its own. The data pass hashes
// these files again as it reads them and fails if the contents changed.
//
// The error is the first failing file's in data order, whichever worker
// met it first, so that the message does not depend on timing (two
// copies sharing one damaged block in a base name the first).
func hashCandidates(files []*inode, workers int) error {
	bySize := make(map[int64]int)
	for _, f := range files {
		bySize[f.entry.Size]++
	}
	errs := make([]error, len(files))
	todo := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range todo {
				errs[i] = hashFile(files[i])
			}
		})
	}
	for i, f := range files {
		if bySize[f.entry.Size] > 1 {
			todo <- i
		}
	}
	close(todo)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func hashFile(f *inode) error {
	e := f.entry
	rc, err := e.Open()
	if err != nil {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	if n != e.Size {
		return fmt.Errorf("squashfs: %s: file has %d bytes, not its size %d", e.Path, n, e.Size)
	}
	h.Sum(f.data.sum[:0])
	f.data.hashed = true
	return nil
}
