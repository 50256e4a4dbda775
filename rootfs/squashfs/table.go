package squashfs

import (
	"encoding/binary"
	"fmt"
	"io"
)

// imageWriter appends to the image through an io.WriterAt, keeping the
// position, which the tables record.
type imageWriter struct {
	w   io.WriterAt
	pos uint64
}

func (iw *imageWriter) write(p []byte) error {
	n, err := iw.w.WriteAt(p, int64(iw.pos))
	iw.pos += uint64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("squashfs: writing at %d: %w", iw.pos, err)
	}
	return nil
}

// writeIndexedTable writes a table of fixed-size records (ids, fragment
// entries, export references, xattr ids): its metadata blocks, then
// header (nil for all but the xattr id table), then the list of the
// blocks' positions. It returns what the superblock points at: header if
// there is one, else the list.
func (iw *imageWriter) writeIndexedTable(content, header []byte, comp compressor) (uint64, error) {
	var positions []byte
	var block, scratch []byte
	for len(content) > 0 {
		n := min(len(content), metadataBlockSize)
		positions = binary.LittleEndian.AppendUint64(positions, iw.pos)
		var err error
		block, scratch, err = appendMetadataBlock(block[:0], content[:n], comp, scratch)
		if err != nil {
			return 0, err
		}
		if err := iw.write(block); err != nil {
			return 0, err
		}
		content = content[n:]
	}
	start := iw.pos
	if err := iw.write(header); err != nil {
		return 0, err
	}
	if err := iw.write(positions); err != nil {
		return 0, err
	}
	return start, nil
}
