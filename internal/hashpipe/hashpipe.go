package hashpipe

import (
	"hash"
	"sync"
)

// batch is how much data is handed to the hashing goroutine at a time:
// large enough that the hand-over costs nothing, small enough to stay
// in cache.
const batch = 128 << 10

// buffers is how many batches can be in flight.
const buffers = 3

// pool keeps batch buffers from one Pipe to the next: an apply hashes
// every resource through a Pipe of its own, and new buffers for each
// would be most of its garbage (and of its peak memory).
var pool = sync.Pool{New: func() any { b := make([]byte, 0, batch); return &b }}

// Pipe is an io.Writer whose bytes are copied and hashed on another
// goroutine. Write never fails. Sum or Close must be called to stop the
// goroutine.
type Pipe struct {
	h    hash.Hash
	made int // buffers taken from the pool, at most buffers
	free chan []byte
	full chan []byte
	done chan struct{}
	cur  []byte
	sum  []byte
}

// New starts hashing with h.
func New(h hash.Hash) *Pipe {
	p := &Pipe{h: h, free: make(chan []byte, buffers), full: make(chan []byte, buffers), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *Pipe) run() {
	for b := range p.full {
		p.h.Write(b)
		p.free <- b[:0]
	}
	close(p.done)
}

// Write copies b into the pipe. It must not be called after Sum or Close.
func (p *Pipe) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if p.cur == nil {
			p.cur = p.buffer()
		}
		k := copy(p.cur[len(p.cur):cap(p.cur)], b)
		p.cur, b = p.cur[:len(p.cur)+k], b[k:]
		if len(p.cur) == cap(p.cur) {
			p.full <- p.cur
			p.cur = nil
		}
	}
	return n, nil
}

// Sum waits for everything written to be hashed and returns the hash.
// Later calls return the same.
func (p *Pipe) Sum() []byte {
	if p.sum == nil {
		p.stop()
		p.sum = p.h.Sum(nil)
	}
	return p.sum
}

// Close stops the goroutine without a sum, for a stream given up.
func (p *Pipe) Close() {
	if p.sum == nil {
		p.stop()
		p.sum = []byte{}
	}
}

// buffer is a free buffer: one hashed already, else one from the pool
// while fewer than buffers are out, else the next to be hashed.
func (p *Pipe) buffer() []byte {
	select {
	case b := <-p.free:
		return b
	default:
	}
	if p.made < buffers {
		p.made++
		return (*pool.Get().(*[]byte))[:0]
	}
	return <-p.free
}

func (p *Pipe) stop() {
	if len(p.cur) > 0 {
		p.full <- p.cur
	} else if p.cur != nil {
		p.free <- p.cur
	}
	p.cur = nil
	close(p.full)
	<-p.done
	for range p.made {
		b := <-p.free
		pool.Put(&b)
	}
	p.made = 0
}
