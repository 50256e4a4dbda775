package squashfs

import (
	"encoding/binary"
	"errors"
)

// metadataStream builds a table of metadata blocks: the content is cut
// into 8 KiB pieces, each stored compressed when that is smaller, behind a
// 2-byte header giving its stored length. Things in the table are found
// by a reference: the offset of their block from the table's start and
// their offset in the block's content.
type metadataStream struct {
	comp compressor
	// pending is the content of the block being filled (< 8 KiB).
	pending []byte
	// out holds the finished blocks, headers included.
	out []byte
	// blockStarts[k] is the offset in out of block k.
	blockStarts []uint32
	scratch     []byte
}

func newMetadataStream(comp compressor) *metadataStream {
	return &metadataStream{comp: comp, pending: make([]byte, 0, metadataBlockSize)}
}

var errTableTooBig = errors.New("squashfs: metadata table exceeds 4 GiB")

// ref is where the next byte written will be: block start << 16 | offset.
func (m *metadataStream) ref() uint64 {
	return uint64(len(m.out))<<16 | uint64(len(m.pending))
}

// length is the number of content bytes written so far.
func (m *metadataStream) length() int64 {
	return int64(len(m.blockStarts))*metadataBlockSize + int64(len(m.pending))
}

// blockStartAt returns the table offset of the block holding content byte
// pos, which must not be past what was written.
func (m *metadataStream) blockStartAt(pos int64) uint32 {
	k := int(pos / metadataBlockSize)
	if k < len(m.blockStarts) {
		return m.blockStarts[k]
	}
	return uint32(len(m.out))
}

func (m *metadataStream) write(p []byte) error {
	for len(p) > 0 {
		n := min(len(p), metadataBlockSize-len(m.pending))
		m.pending = append(m.pending, p[:n]...)
		p = p[n:]
		if len(m.pending) == metadataBlockSize {
			if err := m.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush ends the current block, however full.
func (m *metadataStream) flush() error {
	if len(m.pending) == 0 {
		return nil
	}
	if uint64(len(m.out)) > 1<<32-1 {
		return errTableTooBig
	}
	m.blockStarts = append(m.blockStarts, uint32(len(m.out)))
	var err error
	m.out, m.scratch, err = appendMetadataBlock(m.out, m.pending, m.comp, m.scratch)
	m.pending = m.pending[:0]
	return err
}

// bytes ends the table and returns it.
func (m *metadataStream) bytes() ([]byte, error) {
	err := m.flush()
	return m.out, err
}

// appendMetadataBlock appends content (at most 8 KiB) to out as one
// metadata block. scratch is compression space, returned for reuse.
func appendMetadataBlock(out, content []byte, comp compressor, scratch []byte) ([]byte, []byte, error) {
	packed, err := comp.compress(scratch, content)
	if err != nil {
		return out, scratch, err
	}
	if packed == nil {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(content))|metadataUncompressed)
		return append(out, content...), scratch, nil
	}
	out = binary.LittleEndian.AppendUint16(out, uint16(len(packed)))
	return append(out, packed...), packed, nil
}
