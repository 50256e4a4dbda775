package squashfs

import "sync"

// fragCacheSize is how many decompressed fragment blocks an image keeps.
// A fragment block packs the tails of many small files, stored next to
// each other, and a build opens those files in tree order (twice: to hash
// them, then to copy them): without a cache each small file decompressed
// a whole block (128 KiB), and a base of 200k small files took minutes.
const fragCacheSize = 8

// fragCache holds the most recently read fragment blocks, shared by every
// open file of an image (and so by concurrent readers). The blocks are
// never written to after they are put.
type fragCache struct {
	mu   sync.Mutex
	idx  [fragCacheSize]uint32
	data [fragCacheSize][]byte
	next int
}

func (c *fragCache) get(frag uint32) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, b := range c.data {
		if b != nil && c.idx[i] == frag {
			return b, true
		}
	}
	return nil, false
}

func (c *fragCache) put(frag uint32, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idx[c.next], c.data[c.next] = frag, b
	c.next = (c.next + 1) % fragCacheSize
}
