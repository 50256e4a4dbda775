package fwup

import (
	"bytes"
	"io"
	"os"
)

// spoolInMemory is the largest resource whose deflated stream is held in
// memory while create decides whether to store it.
const spoolInMemory = 8 << 20

// deflatedSpool holds a deflated stream until it is copied into the archive: in
// memory for a small resource, else in a temporary file (removed by
// Close).
type deflatedSpool struct {
	buf  *bytes.Buffer
	f    *os.File
	size int64
}

func newDeflatedSpool(size int64) (*deflatedSpool, error) {
	if size <= spoolInMemory {
		return &deflatedSpool{buf: new(bytes.Buffer)}, nil
	}
	f, err := os.CreateTemp("", "firmwright-deflated-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // the open file is enough
	return &deflatedSpool{f: f}, nil
}

func (s *deflatedSpool) Write(p []byte) (int, error) {
	var n int
	var err error
	if s.f != nil {
		n, err = s.f.Write(p)
	} else {
		n, err = s.buf.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// Size is the number of bytes written.
func (s *deflatedSpool) Size() int64 { return s.size }

// CopyTo writes everything written to w.
func (s *deflatedSpool) CopyTo(w io.Writer) error {
	if s.f == nil {
		_, err := w.Write(s.buf.Bytes())
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.CopyBuffer(w, s.f, make([]byte, 1<<20))
	return err
}

func (s *deflatedSpool) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}
