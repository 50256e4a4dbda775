package cmdline

import (
	"os"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/internal/ctxio"
)

// verifyFirst is --verify-before-write: the archive file read once
// through, as -V reads it, before the apply reads it again and writes.
// fwup checks each resource only after writing it; with this, a tampered
// or damaged archive is refused with the target untouched. A stream
// cannot be read twice: an archive on stdin is protected only by a signed
// chunk index, which the apply checks whenever the archive has one.
func (r *run) verifyFirst(a applyArgs) error {
	if !a.inputSet {
		return r.fail("--verify-before-write needs the archive as a file (-i FILE), not on standard input")
	}
	f, err := os.Open(a.input)
	if err != nil {
		return r.fail("Failed to open '%s'", a.input)
	}
	defer f.Close()
	if _, err := fwup.Verify(ctxio.Reader(r.sys.Ctx(), f), a.input, a.publicKeys, r.sys.Env); err != nil {
		return r.fail("%s (checked before writing: nothing was written)", ArchiveMessage(err))
	}
	return nil
}
