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
func hashCandidates(files []*inode, workers int) error {
	bySize := make(map[int64]int)
	for _, f := range files {
		bySize[f.entry.Size]++
	}
	todo := make(chan *inode)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			for f := range todo {
				if err := hashFile(f); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, f := range files {
		if bySize[f.entry.Size] > 1 {
			todo <- f
		}
	}
	close(todo)
	wg.Wait()
	return firstErr
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
