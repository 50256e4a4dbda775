package archive

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"time"

	"github.com/klauspost/compress/flate"
)

// Header is what a local file header says about an entry.
type Header struct {
	Name   string
	Method uint16
	// Size is the uncompressed size from the local header, when the writer
	// put it there (SizeKnown). fwup relies on it to spot delta patches.
	Size      int64
	SizeKnown bool
	// Modified is the entry's time: the UT extra's when present, else the
	// DOS fields read as UTC.
	Modified time.Time
	crc      uint32
	csize    int64
	flags    uint16
}

// Reader reads an archive strictly front to back, as fwup does: it never
// seeks and never looks at the central directory, so it works on pipes.
type Reader struct {
	br    *bufio.Reader
	cur   *Header
	data  io.Reader
	crc   hash.Hash32
	n     int64
	done  bool // the current entry's data and descriptor have been read
	atEnd bool
	err   error
	// prefetch, when set, reads each entry's data on a goroutine of its
	// own (pf); fr is the inflater, reused from entry to entry.
	prefetch bool
	pf       *prefetcher
	fr       io.ReadCloser
}

// NewReader reads an archive from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// ErrFormat is wrapped by every error about malformed archive bytes;
// ErrTruncated also by those about an archive that ends too soon.
var (
	ErrFormat    = errors.New("not a valid .fw archive")
	ErrTruncated = errors.New("archive is truncated")
)

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Next moves to the next entry, skipping whatever is left of the current
// one. It returns io.EOF at the central directory.
func (r *Reader) Next() (*Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.atEnd {
		return nil, io.EOF
	}
	if r.cur != nil && !r.done {
		if _, err := io.Copy(io.Discard, r); err != nil {
			r.err = err
			return nil, err
		}
	}
	h, err := r.readLocal()
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		return nil, err
	}
	r.cur, r.n, r.done = h, 0, false
	r.crc = crc32.NewIEEE()
	r.pf = nil
	switch {
	case h.Method == MethodDeflate:
		if r.fr == nil {
			r.fr = flate.NewReader(r.br)
		} else if err := r.fr.(flate.Resetter).Reset(r.br, nil); err != nil {
			r.err = err
			return nil, err
		}
		r.data = r.fr
	case h.Method == MethodStore && (h.flags&flagDescriptor == 0 || h.csize > 0 || (h.SizeKnown && h.Size == 0)):
		r.data = io.LimitReader(r.br, h.csize)
	default:
		r.err = formatErr("%s: unsupported compression method %d", h.Name, h.Method)
		return nil, r.err
	}
	if r.prefetch {
		r.pf = newPrefetcher(r.data)
		r.data = r.pf
	}
	return h, nil
}

// Prefetch makes the Reader read (and inflate, and CRC-check) each
// entry's data on a goroutine of its own, a few 64 KiB pieces ahead of
// Read, so that this work overlaps with what the caller does with the
// data. Close stops the goroutine of an entry left unread.
func (r *Reader) Prefetch() { r.prefetch = true }

// Close stops the read-ahead of Prefetch, if any. The Reader is not to be
// used afterwards. It does not close the underlying reader.
func (r *Reader) Close() {
	if r.pf != nil {
		r.pf.stop()
	}
	if r.err == nil {
		r.err = errors.New("archive: read after Close")
	}
}

func (r *Reader) readLocal() (*Header, error) {
	var sig [4]byte
	if _, err := io.ReadFull(r.br, sig[:]); err != nil {
		if r.cur == nil {
			return nil, formatErr("no ZIP entries")
		}
		return nil, truncated(err)
	}
	switch binary.LittleEndian.Uint32(sig[:]) {
	case sigLocal:
	case sigCentral, sigEnd:
		r.atEnd = true
		return nil, io.EOF
	default:
		return nil, formatErr("bad entry signature %x", sig)
	}
	var f [26]byte
	if _, err := io.ReadFull(r.br, f[:]); err != nil {
		return nil, truncated(err)
	}
	le := binary.LittleEndian
	h := &Header{flags: le.Uint16(f[2:]), Method: le.Uint16(f[4:])}
	dt, dd := le.Uint16(f[6:]), le.Uint16(f[8:])
	h.crc = le.Uint32(f[10:])
	h.csize = int64(le.Uint32(f[14:]))
	h.Size = int64(le.Uint32(f[18:]))
	h.SizeKnown = h.flags&flagDescriptor == 0 || h.Size != 0
	nameLen, extraLen := int(le.Uint16(f[22:])), int(le.Uint16(f[24:]))
	buf := make([]byte, nameLen+extraLen)
	if _, err := io.ReadFull(r.br, buf); err != nil {
		return nil, truncated(err)
	}
	h.Name = string(buf[:nameLen])
	h.Modified = fromDOS(dt, dd)
	if t, ok := utTime(buf[nameLen:]); ok {
		h.Modified = t
	}
	if h.flags&0x1 != 0 {
		return nil, formatErr("%s: encrypted entries are not supported", h.Name)
	}
	return h, nil
}

func truncated(err error) error {
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return fmt.Errorf("%w: %w", ErrFormat, ErrTruncated)
	}
	return err
}

// Read reads the current entry's uncompressed data. At its end it checks the
// CRC against the data descriptor.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.cur == nil || r.done {
		return 0, io.EOF
	}
	n, err := r.data.Read(p)
	r.n += int64(n)
	if r.pf == nil {
		r.crc.Write(p[:n])
	}
	if err == io.EOF {
		if ferr := r.finishEntry(); ferr != nil {
			r.err = ferr
			return n, ferr
		}
		return n, io.EOF
	}
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			err = fmt.Errorf("%w: %s: %w", ErrFormat, r.cur.Name, ErrTruncated)
		} else if _, ok := err.(flate.CorruptInputError); ok {
			err = formatErr("%s: corrupt compressed data", r.cur.Name)
		}
		r.err = err
	}
	return n, err
}

func (r *Reader) finishEntry() error {
	r.done = true
	h := r.cur
	crc := h.crc
	if h.flags&flagDescriptor != 0 {
		var d [16]byte
		if _, err := io.ReadFull(r.br, d[:4]); err != nil {
			return truncated(err)
		}
		rest := d[4:16]
		if binary.LittleEndian.Uint32(d[:4]) != sigDescriptor {
			copy(d[4:8], d[:4])
			rest = d[8:16]
		}
		if _, err := io.ReadFull(r.br, rest); err != nil {
			return truncated(err)
		}
		crc = binary.LittleEndian.Uint32(d[4:8])
	}
	sum := r.crc.Sum32()
	if r.pf != nil {
		sum = r.pf.crc
	}
	if sum != crc {
		return formatErr("%s: CRC mismatch", h.Name)
	}
	if h.SizeKnown && r.n != h.Size {
		return formatErr("%s: size mismatch", h.Name)
	}
	return nil
}

func fromDOS(dt, dd uint16) time.Time {
	return time.Date(int(dd>>9)+1980, time.Month(dd>>5&0xf), int(dd&0x1f),
		int(dt>>11), int(dt>>5&0x3f), int(dt&0x1f)*2, 0, time.UTC)
}

// utTime reads the modification time from a UT (0x5455) extra field.
func utTime(extra []byte) (time.Time, bool) {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+n {
			break
		}
		body := extra[4 : 4+n]
		if id == 0x5455 && n >= 5 && body[0]&1 != 0 {
			// Unsigned, as libarchive (and so fwup) reads it: 1970 to 2106.
			return time.Unix(int64(binary.LittleEndian.Uint32(body[1:])), 0).UTC(), true
		}
		extra = extra[4+n:]
	}
	return time.Time{}, false
}

// CompressedSize is the entry's size in the archive, when its local
// header says it.
// StoredCRC is the CRC-32 of a stored entry whose local header carries it
// and its size (WriteStoredFrom's entries): such an entry can be copied
// as it is.
func (h *Header) StoredCRC() (uint32, bool) {
	return h.crc, h.Method == MethodStore && h.flags&flagDescriptor == 0
}

func (h *Header) CompressedSize() (int64, bool) {
	return h.csize, h.flags&flagDescriptor == 0 || h.csize != 0
}
