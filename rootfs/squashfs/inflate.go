package squashfs

import (
	"errors"
	"fmt"
	"sync"

	"github.com/firmwright/firmwright/internal/deflate"
)

// decompressors keeps inflaters for reuse: a new one allocates its
// window, which costs more than inflating a small block. Each goroutine
// takes its own.
var decompressors = sync.Pool{New: func() any { return new(deflate.Decompressor) }}

// inflateZlib appends the zlib stream in to dst and checks its Adler-32;
// it fails if in holds more than limit bytes of data.
func inflateZlib(dst, in []byte, limit int) ([]byte, error) {
	d := decompressors.Get().(*deflate.Decompressor)
	defer decompressors.Put(d)
	out, err := d.AppendUnzlib(dst, in, limit)
	if errors.Is(err, deflate.ErrTooLong) {
		return nil, fmt.Errorf("block decompresses to more than %d bytes", limit)
	}
	return out, err
}
