package archive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"
)

const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigDescriptor = 0x08074b50
	sigEnd        = 0x06054b50

	// MethodStore and MethodDeflate are the two ZIP methods fwup writes.
	MethodStore   = 0
	MethodDeflate = 8

	flagDescriptor = 0x0008
	maxEntrySize   = 1<<32 - 1
)

// Writer writes a .fw archive. Every entry carries, as libarchive writes
// them, a data descriptor, the uncompressed size in the local header (fwup
// tells a delta patch from a full resource by it), and the UT and ux extras.
type Writer struct {
	w       io.Writer
	off     int64
	central []entry
	closed  bool
}

type entry struct {
	name     string
	method   uint16
	flags    uint16
	mtime    *time.Time
	crc      uint32
	csize    int64
	size     int64
	offset   int64
	extraRaw []byte
}

// NewWriter starts an archive on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (w *Writer) write(p []byte) error {
	n, err := w.w.Write(p)
	w.off += int64(n)
	return err
}

// Entry describes one archive member. A nil Modified leaves the time unset
// (1980-01-01 in DOS fields, a UT extra with no time), as fwup does for
// everything but meta.conf.
type Entry struct {
	Name     string
	Modified *time.Time
}

// WriteStored adds data uncompressed (fwup stores the signature this way).
func (w *Writer) WriteStored(e Entry, data []byte) error {
	ent := w.newEntry(e, MethodStore)
	ent.crc = crc32.ChecksumIEEE(data)
	ent.size, ent.csize = int64(len(data)), int64(len(data))
	if err := w.localHeader(ent, ent.csize); err != nil {
		return err
	}
	if err := w.write(data); err != nil {
		return err
	}
	return w.finish(ent)
}

// WriteStoredFrom adds an entry of size bytes, stored, with the CRC-32
// crc known beforehand: its local header carries the CRC and both sizes,
// and no data descriptor follows, so that readers (libarchive's streaming
// one included) take it as a plain copy. copyData must write exactly those
// bytes to its writer and report their CRC and size, which must match.
func (w *Writer) WriteStoredFrom(e Entry, size int64, crc uint32, copyData func(io.Writer) (Deflated, error)) error {
	if size > maxEntrySize {
		return fmt.Errorf("%s: %d bytes is more than a .fw entry can hold (4 GiB)", e.Name, size)
	}
	ent := w.newEntry(e, MethodStore)
	ent.flags = 0
	ent.crc, ent.size, ent.csize = crc, size, size
	if err := w.localHeader(ent, size); err != nil {
		return err
	}
	d, err := copyData(writerFunc(w.write))
	if err != nil {
		return err
	}
	if d.Size != size || d.CRC != crc {
		return fmt.Errorf("%s: read %d bytes (CRC %08x), expected %d (CRC %08x): did the file change?", e.Name, d.Size, d.CRC, size, crc)
	}
	w.central = append(w.central, *ent)
	return nil
}

// Deflated is the result of compressing one entry elsewhere.
type Deflated struct {
	CRC  uint32 // of the uncompressed data
	Size int64  // uncompressed
}

// WriteDeflated adds an entry of size uncompressed bytes; compress must
// write the raw deflate stream of exactly those bytes to its writer and
// report their CRC.
func (w *Writer) WriteDeflated(e Entry, size int64, compress func(io.Writer) (Deflated, error)) error {
	if size > maxEntrySize {
		return fmt.Errorf("%s: %d bytes is more than a .fw entry can hold (4 GiB)", e.Name, size)
	}
	ent := w.newEntry(e, MethodDeflate)
	ent.size = size
	if err := w.localHeader(ent, 0); err != nil {
		return err
	}
	start := w.off
	d, err := compress(writerFunc(w.write))
	if err != nil {
		return err
	}
	if d.Size != size {
		return fmt.Errorf("%s: read %d bytes, expected %d (did the file change?)", e.Name, d.Size, size)
	}
	ent.crc = d.CRC
	ent.csize = w.off - start
	if ent.csize > maxEntrySize {
		return fmt.Errorf("%s: compressed data is larger than 4 GiB", e.Name)
	}
	return w.finish(ent)
}

type writerFunc func([]byte) error

func (f writerFunc) Write(p []byte) (int, error) {
	if err := f(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *Writer) newEntry(e Entry, method uint16) *entry {
	ent := &entry{name: e.Name, method: method, flags: flagDescriptor, mtime: e.Modified, offset: w.off}
	ent.extraRaw = extras(e.Modified)
	return ent
}

// extras builds the UT (mtime when known) and ux (uid/gid 0) fields.
func extras(mtime *time.Time) []byte {
	var b []byte
	if mtime != nil {
		b = binary.LittleEndian.AppendUint16(b, 0x5455)
		b = binary.LittleEndian.AppendUint16(b, 5)
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint32(b, uint32(mtime.Unix()))
	} else {
		b = append(b, 0x55, 0x54, 1, 0, 0)
	}
	b = append(b, 0x75, 0x78, 11, 0, 1, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0)
	return b
}

func version(method uint16) uint16 {
	if method == MethodDeflate {
		return 20
	}
	return 10
}

func (w *Writer) localHeader(e *entry, csize int64) error {
	if w.closed {
		return errors.New("archive: write after Close")
	}
	dt, dd := dosTime(e.mtime)
	b := binary.LittleEndian.AppendUint32(nil, sigLocal)
	b = binary.LittleEndian.AppendUint16(b, version(e.method))
	b = binary.LittleEndian.AppendUint16(b, e.flags)
	b = binary.LittleEndian.AppendUint16(b, e.method)
	b = binary.LittleEndian.AppendUint16(b, dt)
	b = binary.LittleEndian.AppendUint16(b, dd)
	var crc uint32 // in the descriptor, when there is one
	if e.flags&flagDescriptor == 0 {
		crc = e.crc
	}
	b = binary.LittleEndian.AppendUint32(b, crc)
	b = binary.LittleEndian.AppendUint32(b, uint32(csize))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.size))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.extraRaw)))
	b = append(b, e.name...)
	b = append(b, e.extraRaw...)
	return w.write(b)
}

func (w *Writer) finish(e *entry) error {
	b := binary.LittleEndian.AppendUint32(nil, sigDescriptor)
	b = binary.LittleEndian.AppendUint32(b, e.crc)
	b = binary.LittleEndian.AppendUint32(b, uint32(e.csize))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.size))
	w.central = append(w.central, *e)
	return w.write(b)
}

// Close writes the central directory. It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	start := w.off
	for _, e := range w.central {
		dt, dd := dosTime(e.mtime)
		b := binary.LittleEndian.AppendUint32(nil, sigCentral)
		b = binary.LittleEndian.AppendUint16(b, 3<<8|version(e.method)) // made by Unix
		b = binary.LittleEndian.AppendUint16(b, version(e.method))
		b = binary.LittleEndian.AppendUint16(b, e.flags)
		b = binary.LittleEndian.AppendUint16(b, e.method)
		b = binary.LittleEndian.AppendUint16(b, dt)
		b = binary.LittleEndian.AppendUint16(b, dd)
		b = binary.LittleEndian.AppendUint32(b, e.crc)
		b = binary.LittleEndian.AppendUint32(b, uint32(e.csize))
		b = binary.LittleEndian.AppendUint32(b, uint32(e.size))
		b = binary.LittleEndian.AppendUint16(b, uint16(len(e.name)))
		b = binary.LittleEndian.AppendUint16(b, uint16(len(e.extraRaw)))
		b = binary.LittleEndian.AppendUint16(b, 0)           // comment
		b = binary.LittleEndian.AppendUint16(b, 0)           // disk
		b = binary.LittleEndian.AppendUint16(b, 0)           // internal attrs
		b = binary.LittleEndian.AppendUint32(b, 0100644<<16) // regular file, rw-r--r--
		b = binary.LittleEndian.AppendUint32(b, uint32(e.offset))
		b = append(b, e.name...)
		b = append(b, e.extraRaw...)
		if err := w.write(b); err != nil {
			return err
		}
	}
	if w.off > maxEntrySize {
		return errors.New("archive: .fw files larger than 4 GiB are not supported")
	}
	b := binary.LittleEndian.AppendUint32(nil, sigEnd)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(w.central)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(w.central)))
	b = binary.LittleEndian.AppendUint32(b, uint32(w.off-start))
	b = binary.LittleEndian.AppendUint32(b, uint32(start))
	b = binary.LittleEndian.AppendUint16(b, 0)
	return w.write(b)
}

// dosTime encodes a time as MS-DOS time and date fields in UTC; unset or
// pre-1980 times become 1980-01-01 00:00, as libarchive writes them.
func dosTime(t *time.Time) (uint16, uint16) {
	if t == nil || t.UTC().Year() < 1980 {
		return 0, 0x21
	}
	u := t.UTC()
	dt := uint16(u.Hour()<<11 | u.Minute()<<5 | u.Second()/2)
	dd := uint16((u.Year()-1980)<<9 | int(u.Month())<<5 | u.Day())
	return dt, dd
}
