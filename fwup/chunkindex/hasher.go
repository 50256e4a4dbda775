package chunkindex

import (
	"hash"

	"golang.org/x/crypto/blake2b"
)

// Hasher is the writer side: the data of one resource written through it,
// in any pieces, gives its entry.
type Hasher struct {
	size int
	h    hash.Hash
	in   int // bytes of the current chunk hashed
	n    int64
	sums [][SumSize]byte
}

// NewHasher hashes in chunks of size bytes.
func NewHasher(size int) *Hasher {
	h, _ := blake2b.New256(nil)
	return &Hasher{size: size, h: h}
}

// Write hashes p; it never fails.
func (c *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), c.size-c.in)
		c.h.Write(p[:k])
		c.in += k
		p = p[k:]
		if c.in == c.size {
			c.close()
		}
	}
	c.n += int64(n)
	return n, nil
}

// close ends the current chunk.
func (c *Hasher) close() {
	var s [SumSize]byte
	c.h.Sum(s[:0])
	c.sums = append(c.sums, s)
	c.h.Reset()
	c.in = 0
}

// Entry returns the sums of everything written, as the entry of name.
func (c *Hasher) Entry(name string) Entry {
	if c.in > 0 {
		c.close()
	}
	return Entry{Name: name, Length: c.n, Sums: c.sums}
}
