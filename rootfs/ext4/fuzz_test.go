package ext4

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
)

// FuzzExt4: no image, however damaged, makes the reader panic, read
// without end or allocate far more than the image's size.
func FuzzExt4(f *testing.F) {
	for _, s := range seeds {
		f.Add(seed(f, s.name))
	}
	for _, d := range damagedImages(f) {
		f.Add(d.img)
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		alloc, err := readBounded(t, img)
		if errors.Is(err, errInvalidTree) {
			t.Fatal(err)
		}
		if limit := allocLimit(len(img)); alloc > limit {
			t.Errorf("allocated %d bytes reading a %d-byte image (limit %d)", alloc, len(img), limit)
		}
	})
}

// errInvalidTree marks a tree read without error that breaks the rules
// every reader's trees follow.
var errInvalidTree = errors.New("invalid tree")

// readEverything reads img and the first MiB of each of its files.
func readEverything(img []byte) error {
	tr, err := Read(rootfs.MemorySource("fuzz", img))
	if err != nil {
		return err
	}
	if err := rootfs.Validate(tr); err != nil {
		return fmt.Errorf("%w: %v", errInvalidTree, err)
	}
	for _, e := range tr.Entries {
		if e.Open == nil {
			continue
		}
		r, err := e.Open()
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
