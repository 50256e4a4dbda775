package squashfs

import "encoding/binary"

// fragmentPacker packs small files and the tail ends of larger ones into
// shared fragment blocks of up to a block size each, in the order the
// tails come. A full block is handed on as a job and a new one started.
type fragmentPacker struct {
	blockSize int
	// current is the block being filled, nil before the first tail.
	current []byte
	// count is the number of blocks started, so current's index is
	// count-1.
	count uint32
}

// reserve makes room for a tail of n bytes (n < block size) and returns
// where to put it, the fragment index and offset the file's inode
// records, and the block it had to close for lack of room, if any.
func (p *fragmentPacker) reserve(n int, newBuffer func() []byte) (tail []byte, index, offset uint32, closed *job) {
	if p.current != nil && len(p.current)+n > p.blockSize {
		closed = p.close()
	}
	if p.current == nil {
		p.current = newBuffer()[:0]
		p.count++
	}
	offset = uint32(len(p.current))
	p.current = p.current[:len(p.current)+n]
	return p.current[offset:], p.count - 1, offset, closed
}

// close ends the current block, returning it as a job, or nil if there
// is none.
func (p *fragmentPacker) close() *job {
	if p.current == nil {
		return nil
	}
	j := &job{raw: p.current, fragment: int64(p.count - 1)}
	p.current = nil
	return j
}

// fragmentEntry is where a fragment block is, as the fragment table
// records it.
type fragmentEntry struct {
	start uint64
	size  uint32 // stored size, dataUncompressed if stored as is
}

// marshalFragmentTable encodes the entries of the fragment table.
func marshalFragmentTable(entries []fragmentEntry) []byte {
	b := make([]byte, 0, 16*len(entries))
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint64(b, e.start)
		b = binary.LittleEndian.AppendUint32(b, e.size)
		b = binary.LittleEndian.AppendUint32(b, 0)
	}
	return b
}
