package fwup

import (
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/blake2b"

	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/holes"
)

// part is one source of a resource's bytes.
type part struct {
	path     string // host file; "" for inline contents
	contents string
	runs     meta.SparseMap
}

// Resource is a file-resource whose inputs have been located and measured.
type Resource struct {
	Name  string
	Map   meta.SparseMap
	Hash  string // lowercase hex BLAKE2b-256 of the data bytes
	CRC   uint32 // CRC-32 (IEEE) of the data bytes, for a stored entry's header
	parts []part
	index bool // the chunk index, which firmwright adds
}

// DataSize is the number of bytes the archive entry holds.
func (r *Resource) DataSize() int64 { return r.Map.DataSize() }

// Open streams the resource's data bytes: holes are skipped and
// concatenated host paths read in order.
func (r *Resource) Open() io.ReadCloser {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(r.copyData(pw)) }()
	return pr
}

func (r *Resource) copyData(w io.Writer) error {
	for _, p := range r.parts {
		if p.path == "" {
			if _, err := io.WriteString(w, p.contents); err != nil {
				return err
			}
			continue
		}
		if err := copyRuns(w, p.path, p.runs); err != nil {
			return err
		}
	}
	return nil
}

func copyRuns(w io.Writer, path string, runs meta.SparseMap) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var off int64
	for i, n := range runs {
		if i%2 == 0 && n > 0 {
			got, err := io.Copy(w, io.NewSectionReader(f, off, n))
			if err != nil {
				return err
			}
			if got != n {
				return fmt.Errorf("%s: file changed while it was read", path)
			}
		}
		off += n
	}
	return nil
}

// resolveResource finds where a file-resource's bytes come from and maps
// them. Host paths are relative to the file the section is written in.
func resolveResource(sec *conf.Section) (*Resource, error) {
	res := &Resource{Name: sec.Title}
	if !sec.Has("host-path") {
		c := sec.String("contents")
		res.parts = []part{{contents: c}}
		res.Map = meta.SparseMap{}.AppendRun(false, int64(len(c)))
		return res, nil
	}
	sparse := sec.Bool("skip-holes")
	dir := filepath.Dir(sec.Pos.File)
	for _, p := range strings.Split(sec.String("host-path"), ";") {
		if p == "" {
			continue // strtok skips empty fields
		}
		full := p
		if p[0] != '/' && p[0] != '~' {
			full = dir + "/" + p
		}
		runs, err := fileRuns(full, sparse)
		if err != nil {
			return nil, fmt.Errorf("can't open path '%s' in file-resource '%s'", p, sec.Title)
		}
		res.parts = append(res.parts, part{path: full, runs: runs})
		for i, n := range runs {
			res.Map = res.Map.AppendRun(i%2 == 1, n)
		}
	}
	if limited := res.Map.Limit(); len(limited) != len(res.Map) {
		// Past the last exact run, holes are stored as data: read them.
		var cut int64
		for _, n := range limited[:meta.ExactSparseRuns] {
			cut += n
		}
		var at int64
		for i := range res.parts {
			var runs meta.SparseMap
			for j, n := range res.parts[i].runs {
				hole := j%2 == 1
				if before := min(n, max(0, cut-at)); before > 0 {
					runs = runs.AppendRun(hole, before)
					n -= before
					at += before
				}
				runs = runs.AppendRun(false, n)
				at += n
			}
			res.parts[i].runs = runs
		}
		res.Map = limited
	}
	return res, nil
}

// fileRuns maps a host file's data and holes with SEEK_DATA/SEEK_HOLE when
// sparse is set; otherwise, or where the filesystem cannot tell, the whole
// file is data.
func fileRuns(path string, sparse bool) (meta.SparseMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// fwup takes any path it can open (/dev/null is a common one) and
	// sizes it by seeking to the end.
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		size = 0
	}
	if !sparse {
		return meta.SparseMap{}.AppendRun(false, size), nil
	}
	var m meta.SparseMap
	var off int64
	for off < size {
		data, err := f.Seek(off, holes.SeekData)
		if err != nil {
			// ENXIO: nothing but a hole up to the end.
			data = size
		}
		m = m.AppendRun(true, data-off)
		if data >= size {
			break
		}
		hole, err := f.Seek(data, holes.SeekHole)
		if err != nil {
			hole = size
		}
		m = m.AppendRun(false, hole-data)
		off = hole
	}
	return m, nil
}

// measure hashes the resource's data bytes, and adds their chunk sums to
// index when one is made.
func (r *Resource) measure(index *chunkindex.Index) error {
	h, _ := blake2b.New256(nil)
	crc := crc32.NewIEEE()
	var w io.Writer = io.MultiWriter(h, crc)
	var chunks *chunkindex.Hasher
	if index != nil {
		chunks = chunkindex.NewHasher(index.ChunkSize)
		w = io.MultiWriter(h, crc, chunks)
	}
	rc := r.Open()
	defer rc.Close()
	n, err := io.Copy(w, rc)
	if err != nil {
		return err
	}
	if n != r.DataSize() {
		return fmt.Errorf("file-resource '%s': read %d bytes, expected %d", r.Name, n, r.DataSize())
	}
	r.Hash = hex.EncodeToString(h.Sum(nil))
	r.CRC = crc.Sum32()
	if chunks != nil {
		index.Resources = append(index.Resources, chunks.Entry(r.Name))
	}
	return nil
}

// hashCheck hashes what passes through it, so the second read of a
// resource can be checked against the first.
type hashCheck struct {
	r io.Reader
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newHashCheck(r io.Reader) *hashCheck {
	h, _ := blake2b.New256(nil)
	return &hashCheck{r: r, h: h}
}

func (c *hashCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	return n, err
}

func (c *hashCheck) sum() string { return hex.EncodeToString(c.h.Sum(nil)) }

// checkAssertSize applies assert-size-gte/-lte, given in 512-byte blocks,
// to the resource's full (sparse) length. fwup names the host-path.
func checkAssertSize(sec *conf.Section, size int64) error {
	path := sec.String("host-path")
	if lim := sec.Int("assert-size-gte") * 512; lim >= 0 && size < lim {
		return fmt.Errorf("file size assertion failed on '%s'. Size is %d bytes. It must be >= %d bytes (%d blocks)", path, size, lim, lim/512)
	}
	if lim := sec.Int("assert-size-lte") * 512; lim >= 0 && size > lim {
		return fmt.Errorf("file size assertion failed on '%s'. Size is %d bytes. It must be <= %d bytes (%d blocks)", path, size, lim, lim/512)
	}
	return nil
}
