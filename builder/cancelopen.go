package builder

import (
	"context"
	"io"

	"github.com/firmwright/firmwright/rootfs"
)

// cancelOpens makes every file of tree fail to open once ctx is done.
// Writes already stop then (ctxio), but the SquashFS writer first hashes
// every small file that may be a duplicate, writing nothing: with a
// 200k-file base a SIGTERM went unanswered for ten seconds. The tree is
// the one assemble just made, so its entries are changed in place; an
// entry wrapped twice checks ctx twice.
func cancelOpens(ctx context.Context, tree *rootfs.Tree) {
	for _, e := range tree.Entries {
		if e.Open == nil {
			continue
		}
		open := e.Open
		e.Open = func() (io.ReadCloser, error) {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return open()
		}
	}
}
