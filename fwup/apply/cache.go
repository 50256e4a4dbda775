package apply

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/firmwright/firmwright/internal/cstr"
)

// SegmentSize is the unit the cache reads and writes the target in. It
// shows in the output: a new image file always ends on a segment boundary.
const SegmentSize = 128 << 10

const blocksPerSegment = SegmentSize / BlockSize

// Target is the space an archive is applied to: an image file, a block
// device, /dev/null. Reads past the end of a regular file return short
// counts (io.EOF), which the cache treats as zeros.
type Target interface {
	io.ReaderAt
	io.WriterAt
}

// Discarder is implemented by targets that can be told a range is unused
// (BLKDISCARD on block devices).
type Discarder interface {
	Discard(off, length int64) error
}

// CacheOptions configure the cache the way fwup's command line and
// meta.conf do.
type CacheOptions struct {
	// End is the size of the target in bytes, 0 when unknown.
	End int64
	// SoftEnd means End may grow: an existing image file's size.
	SoftEnd bool
	// HardwareTrim passes trim() to the target (--enable-trim).
	HardwareTrim bool
	// VerifyWrites reads back every segment written.
	VerifyWrites bool
	// MinimizeWrites skips writing segments whose bytes are already there.
	MinimizeWrites bool
	// SizeMB is meta.conf's block-cache-size-mb (0 for fwup's 8 MB).
	SizeMB int
	// Warn receives fwup's warnings (a failed TRIM).
	Warn func(msg string)
}

// segment is one cached 128 KiB piece of the target. A block is valid when
// the cache holds its bytes, dirty when they still have to be written.
type segment struct {
	inUse      bool
	data       []byte
	off        int64
	lastAccess uint32
	// streamed stays true while every write to the segment was a
	// streaming one; such a segment is written as soon as it is full.
	streamed     bool
	valid, dirty [blocksPerSegment]bool
}

func (s *segment) anyDirty() bool   { return slices.Contains(s.dirty[:], true) }
func (s *segment) allDirty() bool   { return !slices.Contains(s.dirty[:], false) }
func (s *segment) allValid() bool   { return !slices.Contains(s.valid[:], false) }
func (s *segment) allInvalid() bool { return !slices.Contains(s.valid[:], true) }

// Cache is fwup's block cache: a fixed number of 128 KiB segments in front
// of the target, written back least recently used first. Its rules decide
// bytes in the output, so they follow fwup's exactly:
//   - a partly written segment is completed from the target (or with
//     zeros where the range was trimmed) and written whole;
//   - trimmed segments read as zeros and are not written unless touched;
//   - a segment filled completely by streaming writes is written at once;
//   - flushing writes segments in the order they were last used.
type Cache struct {
	t    Target
	opts CacheOptions
	end  int64
	// segs are the segments made so far, at most max of them; byOff
	// finds those in use, free holds the others. They are made as they
	// are needed, so a block-cache-size-mb an archive sets costs memory
	// only for what the task writes.
	segs    []*segment
	max     int
	byOff   map[int64]*segment
	free    []*segment
	tick    uint32
	trimmed *trimSet
	// temp is for merging reads, check for verify and minimize-writes.
	temp, check []byte
	// inflight is set while the writer goroutine writes a streamed
	// segment from the buffer inflightData; its result arrives on done.
	inflight     bool
	inflightData []byte
	done         chan error
	asyncCheck   []byte
	// bufs are segment buffers no segment holds: a streamed segment gives
	// its buffer up once written, so streaming a large resource needs a
	// few buffers, not the whole cache's size.
	bufs [][]byte
	// bad is the offset of a write that failed, -1 if none: like fwup,
	// every later write fails too, until Reset. badCause is the target's
	// error there, if it gave one.
	bad      int64
	badCause error
}

// NewCache puts a cache in front of t.
func NewCache(t Target, opts CacheOptions) *Cache {
	c := &Cache{t: t, opts: opts, end: opts.End, max: segmentCount(opts), byOff: map[int64]*segment{},
		trimmed: newTrimSet(), done: make(chan error, 1), bad: -1}
	if !opts.SoftEnd && opts.End > 0 {
		// Nothing past the end can be read back.
		c.trimAfter((opts.End + SegmentSize - 1) &^ (SegmentSize - 1))
	}
	return c
}

// maxCacheMB bounds block-cache-size-mb (a terabyte) so the segment
// count cannot overflow.
const maxCacheMB = 1 << 20

// segmentCount is how many segments fwup's cache of opts.SizeMB holds
// (at least 8), but no more than the target has: a cache that holds the
// whole device never evicts, so more segments would change nothing.
func segmentCount(opts CacheOptions) int {
	mb := opts.SizeMB
	if mb <= 0 {
		mb = 8
	}
	n := min(mb, maxCacheMB) * ((1 << 20) / SegmentSize) // no overflow on 32-bit devices
	if n < 8 {
		n = 8
	}
	if opts.End > 0 && !opts.SoftEnd {
		n = int(min(int64(n), opts.End/SegmentSize+2))
	}
	return n
}

// End is the target's size as the cache knows it: 0 when unknown, and for
// image files the furthest segment end touched past their original size.
func (c *Cache) End() int64 { return c.end }

// ioSize is how many bytes of the segment at off exist on the target.
func (c *Cache) ioSize(off int64) (int, error) {
	last := off + SegmentSize
	if c.end > 0 && !c.opts.SoftEnd {
		switch {
		case last <= c.end:
			return SegmentSize, nil
		case off <= c.end:
			return int(c.end - off), nil
		default:
			return 0, fmt.Errorf("read/write failed at offset %d since past end of media (%d).", off, c.end)
		}
	}
	if c.opts.SoftEnd && c.end > 0 && last > c.end {
		c.end = last
	}
	return SegmentSize, nil
}

func (c *Cache) readSegment(off int64, data []byte) error {
	if c.trimmed.has(off) {
		clear(data)
		return nil
	}
	n, err := c.ioSize(off)
	if err != nil {
		return err
	}
	c.settle()
	got, err := c.t.ReadAt(data[:n], off)
	if err != nil && !errors.Is(err, io.EOF) {
		return cstr.Errorf(err, "unexpected error reading %d bytes at offset %d: %s.\nPossible causes are that the destination is too small, the device (e.g., an SD card) is going bad, or the connection to it is flaky.", n, off, cstr.Strerror(err))
	}
	clear(data[got:])
	return nil
}

func (c *Cache) makeValid(s *segment) error {
	switch {
	case s.allInvalid():
		if err := c.readSegment(s.off, s.data); err != nil {
			return err
		}
	case !s.allValid():
		if c.temp == nil {
			c.temp = make([]byte, SegmentSize)
		}
		if err := c.readSegment(s.off, c.temp); err != nil {
			return err
		}
		for i := range s.valid {
			if !s.valid[i] {
				copy(s.data[i*BlockSize:(i+1)*BlockSize], c.temp[i*BlockSize:])
			}
		}
	default:
		return nil
	}
	for i := range s.valid {
		s.valid[i] = true
	}
	return nil
}

// writeSegment writes a segment's bytes, checking or skipping as asked.
func (c *Cache) writeSegment(s *segment) error {
	if err := c.wait(); err != nil {
		return err
	}
	n, err := c.ioSize(s.off)
	if err == nil {
		err = c.put(s.data[:n], s.off, &c.check)
	}
	if err != nil {
		c.bad, c.badCause = s.off, errors.Unwrap(err)
	}
	return err
}

// put writes to the target; it touches nothing of the cache but opts,
// the target and its own buffer, so the writer goroutine can run it.
func (c *Cache) put(data []byte, off int64, check *[]byte) error {
	n := len(data)
	if c.opts.MinimizeWrites || c.opts.VerifyWrites {
		if *check == nil {
			*check = make([]byte, SegmentSize)
		}
	}
	if c.opts.MinimizeWrites {
		if got, _ := c.t.ReadAt((*check)[:n], off); got == n && bytes.Equal((*check)[:n], data) {
			return nil
		}
	}
	if got, err := c.t.WriteAt(data, off); err != nil || got != n {
		if err == nil {
			err = io.ErrShortWrite
		}
		return &writeFailed{off: off, n: n, err: err}
	}
	if c.opts.VerifyWrites {
		if got, _ := c.t.ReadAt((*check)[:n], off); got != n {
			return fmt.Errorf("read back failed at offset %d", off)
		}
		if !bytes.Equal((*check)[:n], data) {
			return fmt.Errorf("write verification failed at offset %d", off)
		}
	}
	return nil
}

// writeAsync hands a full streamed segment to a writer goroutine, as
// fwup's writer thread takes it, so that decompressing the next one and
// writing this one overlap. One write is in flight at a time; its error
// shows at the next write or flush.
func (c *Cache) writeAsync(s *segment) error {
	if err := c.wait(); err != nil {
		return err
	}
	n, err := c.ioSize(s.off)
	if err != nil {
		c.bad, c.badCause = s.off, err
		return c.badError()
	}
	// The segment's buffer goes to the writer as it is, no copy, and the
	// segment is left hollow (no buffer until it is used again): its
	// bytes are the target's from now on, read back from there if
	// anything reads them (after the write settles). The segment stays
	// in use, so what is cached and in which order segments are written
	// back are as before.
	data := s.data
	s.data = nil
	s.valid = [blocksPerSegment]bool{}
	c.inflight, c.inflightData = true, data
	go func(data []byte, off int64, check *[]byte) {
		err := c.put(data, off, check)
		if err != nil {
			// fwup's writer thread says only where.
			err = &writeFailed{off: off, err: errors.Unwrap(err)}
		}
		c.done <- err
	}(data[:n], s.off, &c.asyncCheck)
	return nil
}

// writeFailed is a write the target refused, in fwup's words, with the
// target's error behind it (a full disk, a failing card).
type writeFailed struct {
	off int64
	// n is the size of a direct write; 0 for a streamed one, of which
	// fwup reports only where it failed.
	n   int
	err error
}

func (w *writeFailed) Error() string {
	if w.n == 0 {
		return fmt.Sprintf("write failed at offset %d. Check media size.", w.off)
	}
	return fmt.Sprintf("writing %d bytes failed at offset %d. Check media size.", w.n, w.off)
}

func (w *writeFailed) Unwrap() error { return w.err }

// badError is the failure of a write that went wrong earlier, or of one
// past the end of the target.
func (c *Cache) badError() error { return &writeFailed{off: c.bad, err: c.badCause} }

// settle lets the write in flight finish, keeping its error for later.
func (c *Cache) settle() {
	if c.inflight {
		c.inflight = false
		err := <-c.done
		c.bufs = append(c.bufs, c.inflightData)
		c.inflightData = nil
		if err != nil && c.bad < 0 {
			wf := err.(*writeFailed)
			c.bad, c.badCause = wf.off, wf.err
		}
	}
}

// wait lets the write in flight finish, and fails if any write failed.
func (c *Cache) wait() error {
	c.settle()
	if c.bad >= 0 {
		return c.badError()
	}
	return nil
}

func (c *Cache) flushSegment(s *segment) error {
	if !s.inUse || !s.anyDirty() {
		return nil
	}
	err := c.makeValid(s)
	if err == nil {
		err = c.writeSegment(s)
	}
	// Written or not, the segment is not retried: the error goes to the
	// caller, as in fwup.
	s.dirty = [blocksPerSegment]bool{}
	c.trimmed.clear(s.off)
	return err
}

// segment returns the cached segment at off (a multiple of SegmentSize),
// making room by writing back the least recently used one.
func (c *Cache) segment(off int64) (*segment, error) {
	if s := c.byOff[off]; s != nil {
		if s.data == nil {
			s.data = c.buffer()
		}
		s.lastAccess = c.tick
		c.tick++
		return s, nil
	}
	s, err := c.room()
	if err != nil {
		return nil, err
	}
	data := s.data
	if data == nil {
		data = c.buffer()
	}
	*s = segment{inUse: true, data: data, off: off, lastAccess: c.tick, streamed: true}
	c.byOff[off] = s
	c.tick++
	return s, nil
}

// buffer is a segment buffer, reused if one is free; its bytes are stale.
func (c *Cache) buffer() []byte {
	if n := len(c.bufs); n > 0 {
		b := c.bufs[n-1]
		c.bufs = c.bufs[:n-1]
		return b
	}
	return make([]byte, SegmentSize)
}

// room is a segment not in use: a free one, a new one while there are
// fewer than max, else the least recently used, written back.
func (c *Cache) room() (*segment, error) {
	if n := len(c.free); n > 0 {
		s := c.free[n-1]
		c.free = c.free[:n-1]
		return s, nil
	}
	if len(c.segs) < c.max {
		s := &segment{}
		c.segs = append(c.segs, s)
		return s, nil
	}
	lru := c.segs[0]
	for _, s := range c.segs[1:] {
		if s.lastAccess < lru.lastAccess {
			lru = s
		}
	}
	if err := c.flushSegment(lru); err != nil {
		return nil, err
	}
	delete(c.byOff, lru.off)
	return lru, nil
}

// drop takes a segment out of use, its bytes forgotten.
func (c *Cache) drop(s *segment) {
	if s.inUse {
		s.inUse = false
		delete(c.byOff, s.off)
		c.free = append(c.free, s)
	}
}

// checkRange refuses a read or write of n bytes at off that no device
// has: a negative offset, or one whose end overflows. Calls bound their
// block arguments (checkBlockArgs); tables in meta.conf may still hold
// such offsets.
func checkRange(off int64, n int) error {
	if off < 0 || off+int64(n) < off {
		return fmt.Errorf("read/write failed at offset %d since it is outside any device", off)
	}
	return nil
}

// WriteAt caches a write. Only whole 512-byte blocks become dirty.
func (c *Cache) WriteAt(p []byte, off int64) (int, error) {
	return len(p), c.write(p, off, false)
}

// Stream caches a write of resource data that will not be read back soon:
// segments it fills completely are written to the target right away.
func (c *Cache) Stream(p []byte, off int64) error {
	return c.write(p, off, true)
}

func (c *Cache) write(p []byte, off int64, streamed bool) error {
	if err := checkRange(off, len(p)); err != nil {
		return err
	}
	for len(p) > 0 {
		segOff := off &^ (SegmentSize - 1)
		s, err := c.segment(segOff)
		if err != nil {
			return err
		}
		at := int(off - segOff)
		n := min(len(p), SegmentSize-at)
		copy(s.data[at:], p[:n])
		for b := at / BlockSize; b < at/BlockSize+n/BlockSize; b++ {
			s.dirty[b], s.valid[b] = true, true
		}
		if streamed && s.streamed && s.allDirty() {
			if err := c.writeAsync(s); err != nil {
				return err
			}
			s.dirty = [blocksPerSegment]bool{}
			c.trimmed.clear(s.off)
		} else if !streamed {
			s.streamed = false
		}
		p, off = p[n:], off+int64(n)
	}
	return nil
}

// ReadAt reads through the cache.
func (c *Cache) ReadAt(p []byte, off int64) (int, error) {
	if err := checkRange(off, len(p)); err != nil {
		return 0, err
	}
	done := 0
	for done < len(p) {
		segOff := off &^ (SegmentSize - 1)
		s, err := c.segment(segOff)
		if err != nil {
			return done, err
		}
		if err := c.makeValid(s); err != nil {
			return done, err
		}
		at := int(off - segOff)
		n := copy(p[done:], s.data[at:])
		done += n
		off += int64(n)
	}
	return done, nil
}

// Trim marks a range as unused: the whole segments inside it are dropped
// from the cache, read back as zeros and are not written unless written
// to again. With hw set and --enable-trim, the target is told as well.
func (c *Cache) Trim(off, count int64, hw bool) error {
	if off < 0 || count < 0 || off+count < off {
		return fmt.Errorf("trim failed at offset %d since it is outside any device", off)
	}
	aligned := (off + SegmentSize - 1) &^ (SegmentSize - 1)
	count -= aligned - off
	count &^= SegmentSize - 1
	if count <= 0 {
		return nil
	}
	if aligned < trimTracked {
		c.trimmed.set(aligned, min(aligned+count, trimTracked))
		for _, s := range c.segs {
			if s.inUse && s.off >= aligned && s.off < aligned+count {
				c.drop(s)
			}
		}
	}
	if d, ok := c.t.(Discarder); ok && hw && c.opts.HardwareTrim {
		c.settle()
		if err := d.Discard(aligned, count); err != nil && c.opts.Warn != nil {
			// Best effort, as in fwup.
			c.opts.Warn(trimFailedMessage(aligned, count))
		}
	}
	return nil
}

// trimAfter marks everything from off on as trimmed: past a device's end.
func (c *Cache) trimAfter(off int64) {
	if off > trimTracked {
		return
	}
	c.trimmed.remainder = true
	c.Trim(off, trimTracked-off, false)
}

// Flush writes every dirty segment, least recently used first, so that the
// last write of a config (an A/B switch) lands last.
func (c *Cache) Flush() error {
	order := slices.Clone(c.segs)
	slices.SortStableFunc(order, func(a, b *segment) int {
		switch {
		case a.inUse != b.inUse:
			if a.inUse {
				return -1
			}
			return 1
		case a.lastAccess < b.lastAccess:
			return -1
		case a.lastAccess > b.lastAccess:
			return 1
		}
		return 0
	})
	for _, s := range order {
		if err := c.flushSegment(s); err != nil {
			c.wait()
			return err
		}
	}
	return c.wait()
}

// Reset drops everything not yet written; fwup does it when a task fails,
// before running on-error.
func (c *Cache) Reset() {
	c.settle()
	c.bad, c.badCause = -1, nil
	for _, s := range c.segs {
		c.drop(s)
	}
}

// trimFailedMessage is fwup's warning when BLKDISCARD fails; fwup ignores
// the failure. The range is printed as start and end offsets in bytes.
func trimFailedMessage(off, length int64) string {
	return fmt.Sprintf("BLKDISCARD (TRIM command) failed on range %d to %d (ignoring)", uint64(off), uint64(off+length))
}
