package holes

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// copyBlock is the run of zeros worth a hole: a file system block on most
// systems, and small enough that a file's real zeros cost little to test.
const copyBlock = 64 << 10

// Copy writes r to f from its current offset, seeking over each whole
// block of zeros instead of writing it, so a sparse file unpacked (a
// SquashFS file with sparse blocks, say) stays sparse on disk. f's size is
// set at the end, as a file ending in a hole needs. It returns the bytes
// of r copied.
func Copy(f *os.File, r io.Reader) (int64, error) {
	buf := make([]byte, copyBlock)
	var n int64
	pending := false // a hole was skipped and not yet followed by data
	for {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			if isZero(buf[:k]) {
				if _, serr := f.Seek(int64(k), io.SeekCurrent); serr != nil {
					return n, serr
				}
				pending = true
			} else {
				if _, werr := f.Write(buf[:k]); werr != nil {
					return n, werr
				}
				pending = false
			}
			n += int64(k)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return n, err
		}
	}
	if pending {
		end, err := f.Seek(0, io.SeekCurrent)
		if err == nil {
			err = f.Truncate(end)
		}
		if err != nil {
			return n, fmt.Errorf("%s: setting its size after a final hole: %w", f.Name(), err)
		}
	}
	return n, nil
}

// zeros is what a block of zeros is compared with (bytes.Equal is a
// memcmp, several times faster than a loop over the bytes).
var zeros [copyBlock]byte

func isZero(b []byte) bool { return bytes.Equal(b, zeros[:len(b)]) }
