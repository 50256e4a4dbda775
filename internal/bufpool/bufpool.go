package bufpool

// Pool hands out buffers of len Size.
type Pool struct {
	size  int
	alloc func(size int) []byte
	free  chan []byte
}

// New keeps up to keep buffers of size bytes; alloc (nil: make) makes a
// new one when none is free (an aligned allocator for O_DIRECT, say).
func New(size, keep int, alloc func(size int) []byte) *Pool {
	if alloc == nil {
		alloc = func(n int) []byte { return make([]byte, n) }
	}
	return &Pool{size: size, alloc: alloc, free: make(chan []byte, keep)}
}

// Get returns a free buffer, or a new one.
func (p *Pool) Get() []byte {
	select {
	case b := <-p.free:
		return b[:p.size]
	default:
		return p.alloc(p.size)
	}
}

// Put gives b back for reuse; when enough are kept, it is dropped.
func (p *Pool) Put(b []byte) {
	if cap(b) < p.size {
		return
	}
	select {
	case p.free <- b[:p.size]:
	default:
	}
}
