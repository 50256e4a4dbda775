package apply

import (
	"encoding/hex"
	"fmt"
	"io"

	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/hashpipe"
	"golang.org/x/crypto/blake2b"
)

// chunkSize is how much resource data is handed to an action at a time.
// fwup feeds libarchive 16 KiB reads, and for data that does not compress
// each of them comes back as about one 16 KiB piece; progress is reported
// per piece, so this keeps the percentages fwup prints.
const chunkSize = 16 << 10

// resourceData is the current archive entry seen as a sparse file: the
// archive holds only the data runs, back to back; next puts each piece at
// its offset in the resource. Every action of a handler reads from the
// same stream, so a second consuming action finds it empty (as in fwup).
type resourceData struct {
	r    io.Reader
	m    meta.SparseMap
	ix   int   // the data run being read; len(m) at the end
	used int64 // bytes of that run already returned
	off  int64 // offset in the resource of the next byte
	buf  []byte
	left []byte // read but not yet returned (past a run's end)
	// drained is set once r has been read to its end after the last
	// run, so the entry's CRC and data descriptor are checked (see next).
	drained bool
	// pieces, when set, makes each Read of r one piece of at most
	// len(buf) bytes, as a patch's output comes (else pieces are full
	// chunkSize reads).
	pieces bool
}

// newPieceData is resourceData for a reader whose every Read is a piece
// of at most size bytes: a patch's decoded output.
func newPieceData(r io.Reader, m meta.SparseMap, size int) *resourceData {
	d := newResourceData(r, m)
	d.buf, d.pieces = make([]byte, size), true
	return d
}

func newResourceData(r io.Reader, m meta.SparseMap) *resourceData {
	d := &resourceData{r: r, m: m}
	if m[0] == 0 {
		if len(m) > 2 {
			d.ix, d.off = 2, m[1]
		} else {
			d.ix = len(m) // empty, or nothing but a hole
		}
	}
	return d
}

// next returns the next piece of data and its offset; an empty piece at
// the end.
func (d *resourceData) next() ([]byte, int64, error) {
	if d.ix >= len(d.m) {
		return nil, 0, d.drain()
	}
	var p []byte
	if len(d.left) > 0 {
		p, d.left = d.left, nil
	} else {
		if d.buf == nil {
			d.buf = make([]byte, chunkSize)
		}
		n, err := d.read()
		if n == 0 {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil, 0, nil
			}
			return nil, 0, err
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			return nil, 0, err
		}
		p = d.buf[:n]
	}
	off := d.off
	if rest := d.m[d.ix] - d.used; int64(len(p)) >= rest {
		// The piece reaches the end of the run: keep the remainder for
		// after the hole.
		p, d.left = p[:rest], p[rest:]
		d.off += rest
		d.used = 0
		d.ix++
		if d.ix < len(d.m) {
			d.off += d.m[d.ix]
			d.ix++
		}
	} else {
		d.off += int64(len(p))
		d.used += int64(len(p))
	}
	return p, off, nil
}

// drain reads r to its end once the map's data is all returned: a
// resource whose size is a multiple of the read size ends without r having
// said EOF, and only at EOF does the archive reader check the entry's CRC
// and data descriptor (as libarchive's last read does, so fwup fails a bad
// last entry). Bytes past the map's data are ignored, as fwup ignores them.
func (d *resourceData) drain() error {
	if d.drained {
		return nil
	}
	d.drained = true
	_, err := io.Copy(io.Discard, d.r)
	return err
}

// read reads the next piece: a full buffer, or one Read of a piece reader.
func (d *resourceData) read() (int, error) {
	if !d.pieces {
		return io.ReadFull(d.r, d.buf)
	}
	for {
		n, err := d.r.Read(d.buf)
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// endingHole is the size of the hole a resource ends with.
func endingHole(m meta.SparseMap) int64 {
	if len(m) >= 2 && len(m)%2 == 0 {
		return m[len(m)-1]
	}
	return 0
}

// resourceUnits is a consuming action's progress units: the data bytes,
// or with countHoles the whole length.
func (e *engine) resourceUnits(countHoles bool) int64 {
	m := meta.MapOf(e.cfg.Find("file-resource", e.event.Title))
	if countHoles {
		return m.TotalSize()
	}
	return m.DataSize()
}

// consume streams the handler's resource through write, then lets
// finalHole extend the output over a trailing hole, and checks the length
// and BLAKE2b-256 against meta.conf (fwup's process_resource). The checks
// come after the writes: a resource is never held whole.
func (e *engine) consume(argv0 string, countHoles bool, write func(p []byte, off int64) error, finalHole func(hole, size int64) error) error {
	if e.replay != nil {
		return e.replayConsume(write)
	}
	name := e.event.Title
	res := e.cfg.Find("file-resource", name)
	if res == nil {
		return fmt.Errorf("%s can't find file-resource '%s'", argv0, name)
	}
	want := res.String("blake2b-256")
	if len(want) != 64 {
		return fmt.Errorf("invalid blake2b hash for '%s'", name)
	}
	m := meta.MapOf(res)
	if len(m) == 0 {
		m = meta.SparseMap{0}
	}
	b2, _ := blake2b.New256(nil)
	h := hashpipe.New(b2)
	defer h.Close()
	var total, last int64
	for {
		p, off, err := e.data.next()
		if err != nil {
			return err
		}
		if len(p) == 0 {
			break
		}
		h.Write(p)
		if err := write(p, off); err != nil {
			return err
		}
		total += int64(len(p))
		if countHoles {
			e.prog.add(off + int64(len(p)) - last)
			last = off + int64(len(p))
		} else {
			e.prog.add(int64(len(p)))
		}
	}
	if hole := endingHole(m); hole > 0 {
		if err := finalHole(hole, m.TotalSize()); err != nil {
			return err
		}
		if countHoles {
			e.prog.add(hole)
		}
	}
	if wantLen := m.DataSize(); total != wantLen {
		if total == 0 {
			return fmt.Errorf("%s didn't write anything and was likely called twice in an on-resource for '%s'. Try a \"cp\" function.", argv0, name)
		}
		return fmt.Errorf("%s wrote %d bytes for '%s', but should have written %d", argv0, total, name, wantLen)
	}
	if hex.EncodeToString(h.Sum()) != want {
		return fmt.Errorf("%s detected blake2b mismatch on '%s'", argv0, name)
	}
	return nil
}
