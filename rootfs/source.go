package rootfs

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// An archive on disk is read twice: once when its index is built (headers
// only, skipping contents) and again, piece by piece, whenever an Entry's
// Open is called. Open reopens the file each time, so a Tree holds no file
// descriptors and needs no Close, and concurrent Opens do not share state.
//
// Compressed archives cannot be read at an offset, so they are decompressed
// once into a temporary file and that file is read instead. Re-streaming
// the compressed archive on each Open would need no disk space but would
// decompress the archive once per file (quadratic time for a rootfs of
// thousands of files); a temporary file costs its uncompressed size on
// disk and gives constant-time Open.

// Source gives random access to an archive's uncompressed bytes, for
// readers that index an archive once and read its contents lazily.
type Source struct {
	// Name is how errors name the archive.
	Name string
	// path is the file Open reads; empty for in-memory sources.
	path string
	// mem is the in-memory archive when path is empty (tests, fuzzing).
	mem []byte
}

// FileSource is the uncompressed archive at path.
func FileSource(path string) Source { return Source{Name: path, path: path} }

// MemorySource is an archive held in memory (tests, fuzzing).
func MemorySource(name string, data []byte) Source { return Source{Name: name, mem: data} }

// ReaderAt opens the source for one pass. The caller closes the Closer.
func (s Source) ReaderAt() (io.ReaderAt, io.Closer, error) {
	if s.path == "" {
		return bytes.NewReader(s.mem), io.NopCloser(nil), nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	return f, f, nil
}

// Opener returns an Entry.Open reading n bytes at off.
func (s Source) Opener(off, n int64) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		ra, c, err := s.ReaderAt()
		if err != nil {
			return nil, err
		}
		return sectionReadCloser{io.NewSectionReader(ra, off, n), c}, nil
	}
}

type sectionReadCloser struct {
	*io.SectionReader
	io.Closer
}

// compression names an archive compression by its magic bytes.
type compression string

var magics = []struct {
	c     compression
	magic []byte
}{
	{"gzip", []byte{0x1f, 0x8b}},
	{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{"bzip2", []byte("BZh")},
	{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0}},
	{"lz4", []byte{0x04, 0x22, 0x4d, 0x18}},
	{"lz4 legacy", []byte{0x02, 0x21, 0x4c, 0x18}},
	{"lzip", []byte("LZIP")},
	{"lzo", []byte{0x89, 'L', 'Z', 'O'}},
}

func detect(head []byte) compression {
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) {
			return m.c
		}
	}
	return ""
}

func decompressor(c compression, r io.Reader) (io.ReadCloser, error) {
	switch c {
	case "gzip":
		// Multistream (the default) also reads concatenated members.
		return gzip.NewReader(r)
	case "zstd":
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case "bzip2":
		return io.NopCloser(bzip2.NewReader(r)), nil
	case "xz":
		x, err := xz.NewReader(r)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(x), nil
	case "lz4":
		return io.NopCloser(lz4.NewReader(r)), nil
	}
	return nil, fmt.Errorf("%s compression is not supported (use gzip, zstd, bzip2, xz or lz4)", c)
}

// OpenArchive returns a Source for the archive at path: the file itself
// when it is not compressed, otherwise a decompressed copy written into
// tmpDir, which must outlive the Tree read from it.
func OpenArchive(path, tmpDir string) (Source, error) {
	src := FileSource(path)
	f, err := os.Open(path)
	if err != nil {
		return src, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) {
		return src, fmt.Errorf("%s: %w", path, err)
	}
	c := detect(head)
	if c == "" {
		return src, nil
	}
	d, err := decompressor(c, br)
	if err != nil {
		return src, fmt.Errorf("%s: %w", path, err)
	}
	defer d.Close()
	if tmpDir == "" {
		return src, fmt.Errorf("%s: %s-compressed, and no temporary directory to decompress it into", path, c)
	}
	tmp, err := os.CreateTemp(tmpDir, "firmwright-archive-*")
	if err != nil {
		return src, err
	}
	if _, err := io.Copy(tmp, d); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return src, fmt.Errorf("%s: decompressing %s: %w", path, c, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return src, err
	}
	src.path = tmp.Name()
	return src, nil
}
