package builder

import (
	"context"
	"fmt"
	"os"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/internal/ctxio"
)

// verifyFirst is the first of two passes over the .fw: every resource's
// length and BLAKE2b-256 (and the signature, when keys are given) checked
// as firmwright verify checks them, before anything is written. fwup
// checks a resource after writing it, so a tampered or damaged archive
// leaves part of itself on the card; this way an existing image or a
// device is left exactly as it was. A delta resource can only be decoded
// against the target, so here only its header is checked; the second pass
// checks it chunk by chunk when the archive carries a signed chunk index,
// and whole after writing it as fwup does otherwise.
func (a *Apply) verifyFirst(ctx context.Context) error {
	in, err := os.Open(a.Fw)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := fwup.Verify(ctxio.Reader(ctx, in), a.Fw, a.PublicKeys, a.Env); err != nil {
		return fmt.Errorf("%s: %s (checked before writing: nothing was written)", a.Fw, ApplyMessage(err))
	}
	return nil
}
