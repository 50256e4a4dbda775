package archive

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash"
	"io"
)

// descSig is a data descriptor's signature, as it appears in the archive.
var descSig = []byte("PK\x07\x08")

// storedScan reads a stored entry whose sizes come only in the data
// descriptor after it (Go's zip.Writer makes these for Method: Store).
// Nothing says where the data ends, so, as libarchive does (and so fwup
// applies such archives), the data ends at the first descriptor signature
// followed by the CRC of the bytes before it; the sizes must match too,
// so a signature inside the data ends it only if it also carries that
// data's CRC and length.
type storedScan struct {
	br *bufio.Reader
	// crc and n are of the bytes returned so far: its own, not the
	// Reader's, which may lag behind when a prefetcher reads ahead.
	crc hash.Hash32
	n   int64
}

// descLen is a 32-bit descriptor with its signature; libarchive looks
// for one only with scanAhead bytes in hand (room for a ZIP64 one), so
// fewer than that left is a truncated entry.
const descLen, scanAhead = 16, 24

func (s *storedScan) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	head, err := s.br.Peek(scanAhead)
	if len(head) < scanAhead {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	if s.endsHere(head) {
		return 0, io.EOF
	}
	// Return the bytes up to the next place a descriptor could start,
	// keeping back a possible signature's first bytes.
	avail, _ := s.br.Peek(s.br.Buffered())
	k := len(avail) - (len(descSig) - 1)
	if i := bytes.Index(avail[1:], descSig); i >= 0 {
		k = i + 1
	}
	n, err := s.br.Read(p[:min(len(p), k)])
	s.crc.Write(p[:n])
	s.n += int64(n)
	return n, err
}

// endsHere tells whether head is the descriptor of the data returned so far.
func (s *storedScan) endsHere(head []byte) bool {
	le := binary.LittleEndian
	n := uint32(s.n) // a 32-bit descriptor holds the low bits, as libarchive compares them
	return bytes.Equal(head[:4], descSig) && le.Uint32(head[4:]) == s.crc.Sum32() &&
		le.Uint32(head[8:]) == n && le.Uint32(head[12:]) == n
}
