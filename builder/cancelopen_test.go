package builder

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
)

// TestCancelOpens: once the context is done, opening a file fails with
// its cause, so a stopped build stops between files.
func TestCancelOpens(t *testing.T) {
	tree := &rootfs.Tree{Entries: []*rootfs.Entry{{Path: "f", Kind: rootfs.File, Size: 1,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }}}}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancelOpens(ctx, tree)
	if r, err := tree.Entries[0].Open(); err != nil {
		t.Fatal(err)
	} else {
		r.Close()
	}
	stop := errors.New("stopped")
	cancel(stop)
	if _, err := tree.Entries[0].Open(); err != stop {
		t.Errorf("after cancel: %v", err)
	}
}
