package apply

import "errors"

// Memory is a Target held in memory that keeps only the pages holding
// something other than zeros: a whole card's layout costs what its
// metadata and files take. It grows as it is written.
type Memory struct {
	// Limit, when above 0, makes writes past it fail as a full disk's do.
	Limit int64
	pages map[int64][]byte
	size  int64
}

const memoryPage = 4096

// ErrMemoryFull is a write past Memory.Limit.
var ErrMemoryFull = errors.New("no space left on device")

// ReadAt reads zeros where nothing was written, and past the end.
func (m *Memory) ReadAt(p []byte, off int64) (int, error) {
	for n := 0; n < len(p); {
		pg, in := (off+int64(n))/memoryPage, int((off+int64(n))%memoryPage)
		k := min(len(p)-n, memoryPage-in)
		if page, ok := m.pages[pg]; ok {
			copy(p[n:n+k], page[in:])
		} else {
			clear(p[n : n+k])
		}
		n += k
	}
	return len(p), nil
}

// WriteAt stores p, page by page, skipping pages that stay all zeros.
func (m *Memory) WriteAt(p []byte, off int64) (int, error) {
	if m.Limit > 0 && off+int64(len(p)) > m.Limit {
		return 0, ErrMemoryFull
	}
	if m.pages == nil {
		m.pages = map[int64][]byte{}
	}
	for n := 0; n < len(p); {
		pg, in := (off+int64(n))/memoryPage, int((off+int64(n))%memoryPage)
		k := min(len(p)-n, memoryPage-in)
		page, ok := m.pages[pg]
		if !ok {
			if allZero(p[n : n+k]) {
				n += k
				continue
			}
			page = make([]byte, memoryPage)
			m.pages[pg] = page
		}
		copy(page[in:], p[n:n+k])
		n += k
	}
	m.size = max(m.size, off+int64(len(p)))
	return len(p), nil
}

// Size is the end of the furthest write.
func (m *Memory) Size() int64 { return m.size }

// Bytes returns the image, Size bytes long.
func (m *Memory) Bytes() []byte {
	b := make([]byte, m.size)
	m.ReadAt(b, 0)
	return b
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
