package ext4

import (
	"bytes"
	"fmt"
	"io"

	"github.com/firmwright/firmwright/rootfs"
)

// fileData is where a regular file's contents are: its runs in the image,
// for Open to read without the walk's state.
type fileData struct {
	src       rootfs.Source
	path      string
	blockSize int64
	size      int64
	runs      []run
}

// contents returns a regular file's size and Open: its inline bytes, or
// its runs.
func (f *fsys) contents(p string, in *inode, inline []byte) (int64, func() (io.ReadCloser, error), error) {
	if in.flags&flagInlineData != 0 {
		data, err := f.inlineBytes(in, inline)
		if err != nil {
			return 0, nil, err
		}
		return int64(len(data)), func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, nil
	}
	runs, err := f.mapping(in)
	if err != nil {
		return 0, nil, err
	}
	d := &fileData{src: f.src, path: p, blockSize: f.sb.blockSize, size: int64(in.size), runs: runs}
	return d.size, d.open, nil
}

// readSmall reads the first n bytes of an inode's data (a slow symlink's
// target, an xattr value inode), n being at most 64 KiB. The blocks it
// reads were charged to the budget by the mapping; the holes it fills
// with zeros are charged here, so that rereading the same inode cannot
// allocate without bound either.
func (f *fsys) readSmall(in *inode, n int) ([]byte, error) {
	runs, err := f.mapping(in)
	if err != nil {
		return nil, err
	}
	bs := uint64(f.sb.blockSize)
	holes := (uint64(n) + bs - 1) / bs
	for _, r := range runs {
		holes -= min(holes, r.n)
	}
	if err := f.spend(holes); err != nil {
		return nil, err
	}
	d := &fileData{src: f.src, path: fmt.Sprintf("inode %d", in.num), blockSize: f.sb.blockSize, size: int64(n), runs: runs}
	b := make([]byte, n)
	r := &fileReader{d: d, ra: f.ra}
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

func (d *fileData) open() (io.ReadCloser, error) {
	ra, c, err := d.src.ReaderAt()
	if err != nil {
		return nil, err
	}
	return &fileReader{d: d, ra: ra, c: c}, nil
}

// fileReader reads a file's runs in order. Holes and uninitialized runs
// are zeros made here, not read.
type fileReader struct {
	d   *fileData
	ra  io.ReaderAt
	c   io.Closer
	pos int64
	// i is the first run that may still hold pos.
	i int
}

func (r *fileReader) Read(p []byte) (int, error) {
	d := r.d
	if r.pos >= d.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), d.size-r.pos)]
	lblk := uint64(r.pos / d.blockSize)
	for r.i < len(d.runs) && d.runs[r.i].lblk+d.runs[r.i].n <= lblk {
		r.i++
	}
	if r.i == len(d.runs) || d.runs[r.i].lblk > lblk || d.runs[r.i].zero {
		end := d.size
		if r.i < len(d.runs) {
			ru := d.runs[r.i]
			end = int64(ru.lblk) * d.blockSize
			if ru.lblk <= lblk {
				end = int64(ru.lblk+ru.n) * d.blockSize
			}
		}
		n := min(int64(len(p)), end-r.pos)
		clear(p[:n])
		r.pos += n
		return int(n), nil
	}
	ru := d.runs[r.i]
	n := min(int64(len(p)), int64(ru.lblk+ru.n)*d.blockSize-r.pos)
	off := int64(ru.pblk)*d.blockSize + r.pos - int64(ru.lblk)*d.blockSize
	k, err := r.ra.ReadAt(p[:n], off)
	r.pos += int64(k)
	if k < int(n) {
		return k, fmt.Errorf("%s: %s: reading %d bytes at %d: %w", d.src.Name, d.path, n, off, noEOF(err))
	}
	return k, nil
}

func (r *fileReader) Close() error {
	if r.c == nil {
		return nil
	}
	return r.c.Close()
}
