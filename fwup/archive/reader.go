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

	"github.com/firmwright/firmwright/internal/deflate"
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
	fr       *deflate.Reader
}

// NewReader reads an archive from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
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
			r.fr = deflate.NewReader(r.br)
		} else {
			r.fr.Reset(r.br)
		}
		r.data = r.fr
	case h.Method == MethodStore && h.flags&flagDescriptor != 0 && h.csize == 0:
		r.data = &storedScan{br: r.br, crc: crc32.NewIEEE()}
	case h.Method == MethodStore:
		r.data = io.LimitReader(r.br, h.csize)
	default:
		r.err = entryErr(h.Name, "", "compression method %d; expected 0 (stored) or 8 (deflate)", h.Method)
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
		return nil, truncated(err, r.cur.Name, "", "no header after it; expected the next entry or the central directory")
	}
	switch binary.LittleEndian.Uint32(sig[:]) {
	case sigLocal:
	case sigCentral, sigEnd:
		r.atEnd = true
		return nil, io.EOF
	default:
		return nil, formatErr("%s", r.badSignature(sig))
	}
	var f [26]byte
	if _, err := io.ReadFull(r.br, f[:]); err != nil {
		return nil, truncated(err, "", "Truncated ZIP file header", "a local file header cut short")
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
		return nil, truncated(err, "", "Truncated ZIP file header", "a local file header's name and extra field cut short")
	}
	h.Name = string(buf[:nameLen])
	h.Modified = fromDOS(dt, dd)
	if t, ok := utTime(buf[nameLen:]); ok {
		h.Modified = t
	}
	if h.flags&0x1 != 0 {
		return nil, entryErr(h.Name, "", "encrypted entries are not supported")
	}
	return h, nil
}

// badSignature says what stood where a header should be.
func (r *Reader) badSignature(sig [4]byte) string {
	where := "at the start"
	if r.cur != nil {
		where = "after " + r.cur.Name
	}
	return fmt.Sprintf("signature %x %s; expected a local file header (504b0304) or the central directory", sig, where)
}

// truncated words an end of input in the middle of a structure; other
// read errors pass through.
func truncated(err error, entry, libarchive, what string) error {
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return truncatedErr(entry, libarchive, "%s", what)
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
		err = r.dataErr(err)
		r.err = err
	}
	return n, err
}

// dataErr words an error met in an entry's data as libarchive does.
func (r *Reader) dataErr(err error) error {
	name := r.cur.Name
	var corrupt *deflate.CorruptInputError
	switch {
	case err == io.ErrUnexpectedEOF && r.cur.Method == MethodDeflate:
		return truncatedErr(name, "ZIP decompression failed (-5)", "compressed data cut short after %d bytes", r.n)
	case err == io.ErrUnexpectedEOF:
		return truncatedErr(name, "Truncated ZIP file data", "stored data cut short after %d bytes", r.n)
	case errors.As(err, &corrupt):
		return entryErr(name, "ZIP decompression failed (-3)", "corrupt compressed data at byte %d of the entry (%s)", corrupt.Offset, corrupt.Why)
	}
	return err
}

func (r *Reader) finishEntry() error {
	r.done = true
	h := r.cur
	crc := h.crc
	if h.flags&flagDescriptor != 0 {
		var err error
		if crc, err = r.readDescriptor(); err != nil {
			return err
		}
	}
	sum := r.crc.Sum32()
	if r.pf != nil {
		sum = r.pf.crc
	}
	if sum != crc {
		return entryErr(h.Name, fmt.Sprintf("ZIP bad CRC: 0x%x should be 0x%x", sum, crc),
			"CRC-32 of the data is %08x; the header says %08x", sum, crc)
	}
	if h.SizeKnown && r.n != h.Size {
		return entryErr(h.Name, fmt.Sprintf("ZIP uncompressed data is wrong size (read %d, expected %d)", r.n, h.Size),
			"%d bytes of data; the local header says %d", r.n, h.Size)
	}
	return nil
}

// readDescriptor reads the data descriptor after an entry's data (with
// or without its optional signature) and returns its CRC. Like
// libarchive, it then wants 24 bytes from the descriptor's start (room for
// a ZIP64 descriptor): an archive cut right after its last descriptor has
// lost its central directory, and fwup fails it.
func (r *Reader) readDescriptor() (uint32, error) {
	const cut = "Truncated ZIP end-of-file record"
	name := r.cur.Name
	var d [16]byte
	if _, err := io.ReadFull(r.br, d[:4]); err != nil {
		return 0, truncated(err, name, cut, "the data descriptor is missing")
	}
	rest := d[4:16]
	if binary.LittleEndian.Uint32(d[:4]) != sigDescriptor {
		copy(d[4:8], d[:4])
		rest = d[8:16]
	}
	if _, err := io.ReadFull(r.br, rest); err != nil {
		return 0, truncated(err, name, cut, "the data descriptor is cut short")
	}
	if p, _ := r.br.Peek(24 - (len(rest) + 4)); len(p) < 24-(len(rest)+4) {
		return 0, truncatedErr(name, cut, "the archive ends %d bytes after the data descriptor; expected another entry or the central directory", len(p))
	}
	return binary.LittleEndian.Uint32(d[4:8]), nil
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
