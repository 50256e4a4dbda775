package apply

import (
	"bytes"
	"errors"
	"testing"
)

// orderTarget records the offsets written, in order.
type orderTarget struct {
	memTarget
	writes  []int64
	failAt  int64 // a write at this offset fails (-1: none)
	discard [][2]int64
}

func (o *orderTarget) WriteAt(p []byte, off int64) (int, error) {
	if off == o.failAt {
		return 0, errors.New("injected failure")
	}
	o.writes = append(o.writes, off)
	return o.memTarget.WriteAt(p, off)
}

func (o *orderTarget) Discard(off, n int64) error {
	o.discard = append(o.discard, [2]int64{off, n})
	return errors.New("not supported")
}

func block(b byte) []byte { return bytes.Repeat([]byte{b}, BlockSize) }

// TestCacheSegments: a partly written segment is completed from the
// target (or zeros where trimmed) and written whole; flushing goes in
// last-use order; trim drops cached segments and reads back zeros.
func TestCacheSegments(t *testing.T) {
	tg := &orderTarget{failAt: -1}
	tg.b = bytes.Repeat([]byte{7}, 4*SegmentSize)
	c := NewCache(tg, CacheOptions{})
	c.WriteAt(block(1), 2*SegmentSize)           // segment 2, partial
	c.WriteAt(block(2), 0)                       // segment 0, partial
	c.WriteAt(block(3), 2*SegmentSize+BlockSize) // segment 2 again: used last
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(tg.writes) != 2 || tg.writes[0] != 0 || tg.writes[1] != 2*SegmentSize {
		t.Errorf("flush order %v, want segment 0 then 2", tg.writes)
	}
	if tg.b[2*SegmentSize] != 1 || tg.b[2*SegmentSize+BlockSize] != 3 || tg.b[2*SegmentSize+2*BlockSize] != 7 {
		t.Error("partial segment not completed from the target")
	}

	// Trim segment 1 (and the unaligned edges, which are ignored), then
	// write one block in it: the rest of the segment becomes zeros.
	c.Trim(SegmentSize-BlockSize, SegmentSize+2*BlockSize, true)
	c.WriteAt(block(4), SegmentSize)
	got := make([]byte, BlockSize)
	c.ReadAt(got, SegmentSize+BlockSize)
	if !bytes.Equal(got, make([]byte, BlockSize)) {
		t.Error("a trimmed block does not read as zeros")
	}
	c.Flush()
	if tg.b[SegmentSize] != 4 || tg.b[SegmentSize+BlockSize] != 0 || tg.b[SegmentSize-1] != 7 {
		t.Error("trimmed segment not written as zeros around the data")
	}
	if len(tg.discard) != 0 {
		t.Error("discard sent without --enable-trim")
	}
}

// TestCacheWriteErrors: a failed streamed write names its offset, and
// every later write and the flush fail too, until Reset (fwup's
// bad_offset).
func TestCacheWriteErrors(t *testing.T) {
	tg := &orderTarget{failAt: SegmentSize}
	c := NewCache(tg, CacheOptions{})
	full := make([]byte, SegmentSize)
	if err := c.Stream(full, SegmentSize); err != nil {
		t.Fatalf("the failure shows later, at the next write: %v", err)
	}
	// A read in between does not swallow the error.
	c.ReadAt(make([]byte, BlockSize), 3*SegmentSize)
	c.Trim(0, 8*SegmentSize, true)
	err := c.Stream(full, 2*SegmentSize)
	if err == nil || err.Error() != "write failed at offset 131072. Check media size." {
		t.Errorf("next write: %v", err)
	}
	if err := c.Flush(); err == nil {
		t.Error("flush after a failed write succeeded")
	}
	c.Reset()
	if err := c.Stream(full, 4*SegmentSize); err != nil {
		t.Errorf("after Reset: %v", err)
	}
	if err := c.Flush(); err != nil {
		t.Errorf("flush after Reset: %v", err)
	}
}

// TestCacheDeviceEnd: on a device of known size, reads past the end are
// zeros and writes past it fail as fwup says.
func TestCacheDeviceEnd(t *testing.T) {
	tg := &orderTarget{failAt: -1}
	c := NewCache(tg, CacheOptions{End: SegmentSize + 4*BlockSize})
	c.WriteAt(block(9), SegmentSize)
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(tg.b) != SegmentSize+4*BlockSize {
		t.Errorf("the last segment was written as %d bytes", len(tg.b)-SegmentSize)
	}
	c.WriteAt(block(9), 2*SegmentSize)
	if err := c.Flush(); err == nil || err.Error() != "read/write failed at offset 262144 since past end of media (133120)." {
		t.Errorf("write past the end: %v", err)
	}
}

func TestTrimFailedMessage(t *testing.T) {
	if got, want := trimFailedMessage(1024, 4096), "BLKDISCARD (TRIM command) failed on range 1024 to 5120 (ignoring)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// memTarget is an image held in memory; limit > 0 makes writes past it
// fail, like a full disk.
type memTarget struct {
	b     []byte
	limit int64
}

func (m *memTarget) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(m.b)) {
		return 0, nil
	}
	return copy(p, m.b[off:]), nil
}

func (m *memTarget) WriteAt(p []byte, off int64) (int, error) {
	if m.limit > 0 && off+int64(len(p)) > m.limit {
		return 0, errors.New("no space left on device")
	}
	if end := off + int64(len(p)); end > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, end-int64(len(m.b)))...)
	}
	return copy(m.b[off:], p), nil
}

// TestCacheStreamedReadBack: segments filled by streaming go to the target
// without a copy (the cache keeps them as not holding their bytes): read
// back right after, they have the streamed bytes, and a later partial
// write over one completes from them.
func TestCacheStreamedReadBack(t *testing.T) {
	tg := &orderTarget{failAt: -1}
	c := NewCache(tg, CacheOptions{})
	data := make([]byte, 3*SegmentSize)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	for off := 0; off < len(data); off += 16 << 10 {
		if err := c.Stream(data[off:min(off+16<<10, len(data))], int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]byte, len(data))
	if _, err := c.ReadAt(got, 0); err != nil || !bytes.Equal(got, data) {
		for i := range got {
			if got[i] != data[i] {
				t.Fatalf("streamed segments read back wrong from byte %d (%v)", i, err)
			}
		}
		t.Fatal(err)
	}
	c.WriteAt(block(9), SegmentSize+BlockSize)
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(data)
	copy(want[SegmentSize+BlockSize:], block(9))
	if !bytes.Equal(tg.b, want) {
		t.Error("the target does not hold the streamed bytes with the block written over them")
	}
}

// TestCacheStreamingBuffers: a streamed segment gives its buffer up once
// written, so streaming more than the cache holds keeps a few buffers,
// not the cache's 8 MB, while every segment stays in use (the write-back
// order is fwup's).
func TestCacheStreamingBuffers(t *testing.T) {
	tg := &orderTarget{failAt: -1}
	c := NewCache(tg, CacheOptions{})
	c.WriteAt(block(5), 0) // a cached segment
	piece := bytes.Repeat([]byte{3}, 16<<10)
	const segments = 100
	for off := int64(SegmentSize); off < (segments+1)*SegmentSize; off += int64(len(piece)) {
		if err := c.Stream(piece, off); err != nil {
			t.Fatal(err)
		}
	}
	c.settle()
	held := len(c.bufs)
	for _, s := range c.segs {
		if s.data != nil {
			held++
		}
	}
	if inUse := len(c.byOff); inUse != c.max {
		t.Errorf("%d segments in use, want all %d", inUse, c.max)
	}
	if held > 3 {
		t.Errorf("%d segment buffers held after streaming %d segments, want at most 3", held, segments)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(tg.writes) != segments+1 {
		t.Errorf("%d segment writes, want %d", len(tg.writes), segments+1)
	}
	if tg.b[0] != 5 || tg.b[(segments+1)*SegmentSize-1] != 3 {
		t.Error("the target does not hold what was written")
	}
}
