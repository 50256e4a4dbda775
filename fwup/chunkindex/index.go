// Package chunkindex is firmwright's signed chunk index: what lets an
// apply reading an archive as a stream (stdin, a device's update, fwup
// mode) check each piece of a resource before writing it, where fwup
// checks a resource's BLAKE2b-256 only after the whole of it is on the
// target.
//
// The index is an ordinary file-resource, named Resource (archive entry
// "firmwright-chunk-index", outside the data/ folder users' resources
// live in), listed in meta.conf with its length and BLAKE2b-256 like any
// other, so the archive's signature covers it; no task uses it, so fwup
// skips it. It is the first entry after meta.conf, so a reader has it
// before any resource data. Its bytes (all integers big-endian):
//
//	"FWCHUNK1"                  8 bytes
//	chunk size                  uint32 (ChunkSize: 128 KiB)
//	resource count              uint32
//	then, per resource, in meta.conf's order:
//	  name length               uint16 (1 to 512)
//	  name                      the file-resource's name
//	  data length               uint64 (meta.conf's data bytes: holes excluded)
//	  ceil(length / chunk size) BLAKE2b-256 sums, 32 bytes each, of the
//	                            resource's data cut in chunk-size pieces
//
// Nothing follows the last resource. The sums are of the decoded data: for
// a resource that a delta update replaces by an xdelta3 patch, of the
// patched result, which is the full resource, so a patch keeps the index
// of the archive it is made from.
package chunkindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Resource is the index's file-resource name.
const Resource = "/firmwright-chunk-index"

// ChunkSize is how much data each sum covers.
const ChunkSize = 128 << 10

// SumSize is the length of one chunk's BLAKE2b-256.
const SumSize = 32

const magic = "FWCHUNK1"

// Bounds a reader holds an index to: chunk sizes a writer would choose,
// names fwup allows (FWFILE_MAX_ARCHIVE_PATH).
const (
	minChunk   = 512
	maxChunk   = 64 << 20
	maxNameLen = 512
)

// Index is the chunk sums of an archive's resources.
type Index struct {
	ChunkSize int
	Resources []Entry
}

// Entry is one resource's sums.
type Entry struct {
	Name   string
	Length int64
	Sums   [][SumSize]byte
}

// Find returns the entry for a resource, or nil.
func (ix *Index) Find(name string) *Entry {
	for i := range ix.Resources {
		if ix.Resources[i].Name == name {
			return &ix.Resources[i]
		}
	}
	return nil
}

// chunks is how many sums cover length bytes in pieces of size.
func chunks(length int64, size int) int64 {
	return (length + int64(size) - 1) / int64(size)
}

// Encode returns the index's bytes.
func (ix *Index) Encode() []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(ix.ChunkSize)))
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(ix.Resources))))
	for _, e := range ix.Resources {
		b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(e.Name))))
		b.WriteString(e.Name)
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(e.Length)))
		for _, s := range e.Sums {
			b.Write(s[:])
		}
	}
	return b.Bytes()
}

// Parse reads an index's bytes. Every count is checked against the bytes
// actually present before anything is allocated for it.
func Parse(b []byte) (*Index, error) {
	r := fields{b: b}
	if string(r.take(len(magic))) != magic {
		return nil, errors.New("chunk index: does not start with " + magic)
	}
	size := r.uint32()
	count := r.uint32()
	if r.err != nil {
		return nil, r.err
	}
	if size < minChunk || size > maxChunk {
		return nil, fmt.Errorf("chunk index: chunk size %d, expected %d to %d", size, minChunk, maxChunk)
	}
	// Each resource takes at least 11 bytes (a name of one byte).
	if int64(count) > int64(len(r.b))/11 {
		return nil, fmt.Errorf("chunk index: %d resources cannot fit in %d bytes", count, len(b))
	}
	ix := &Index{ChunkSize: int(size), Resources: make([]Entry, 0, count)}
	for i := uint32(0); i < count; i++ {
		e, err := r.entry(ix.ChunkSize)
		if err != nil {
			return nil, err
		}
		if ix.Find(e.Name) != nil {
			return nil, fmt.Errorf("chunk index: resource '%s' listed twice", e.Name)
		}
		ix.Resources = append(ix.Resources, e)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("chunk index: %d bytes after the last resource, expected none", len(r.b))
	}
	return ix, nil
}

// fields takes fields off the front of an index, remembering the first
// shortfall.
type fields struct {
	b   []byte
	err error
}

func (r *fields) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.err = fmt.Errorf("chunk index: cut short (%d bytes wanted, %d left)", n, len(r.b))
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *fields) uint32() uint32 {
	if p := r.take(4); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

func (r *fields) entry(size int) (Entry, error) {
	var e Entry
	n := 0
	if p := r.take(2); p != nil {
		n = int(binary.BigEndian.Uint16(p))
	}
	if r.err == nil && (n == 0 || n > maxNameLen) {
		return e, fmt.Errorf("chunk index: a resource name of %d bytes, expected 1 to %d", n, maxNameLen)
	}
	e.Name = string(r.take(n))
	var length uint64
	if p := r.take(8); p != nil {
		length = binary.BigEndian.Uint64(p)
	}
	if r.err != nil {
		return e, r.err
	}
	if length > uint64(len(r.b))/SumSize*uint64(size) {
		return e, fmt.Errorf("chunk index: resource '%s' of %d bytes needs more sums than the %d bytes left", e.Name, length, len(r.b))
	}
	e.Length = int64(length)
	e.Sums = make([][SumSize]byte, chunks(e.Length, size))
	for i := range e.Sums {
		copy(e.Sums[i][:], r.take(SumSize))
	}
	return e, r.err
}
