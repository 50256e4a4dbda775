package fwup

import (
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

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

// hostPath is the one file the resource reads whole, or "".
func (r *Resource) hostPath() string {
	if len(r.parts) != 1 || r.parts[0].path == "" || len(r.parts[0].runs) != 1 {
		return ""
	}
	return r.parts[0].path
}

// DataSize is the number of bytes the archive entry holds.
func (r *Resource) DataSize() int64 { return r.Map.DataSize() }

// Open streams the resource's data bytes: holes are skipped and
// concatenated host paths read in order. It reads the files directly, in
// the caller's goroutine: no pipe between, which cost a copy and a
// handover per 32 KiB.
func (r *Resource) Open() io.ReadCloser { return &resourceReader{parts: r.parts} }

// resourceReader reads a resource's parts one after another.
type resourceReader struct {
	parts []part
	cur   io.Reader // the current part's data runs
	f     *os.File  // the current part's file
	path  string
	left  int64 // bytes the current run still owes
}

func (rr *resourceReader) Read(p []byte) (int, error) {
	for {
		if rr.cur == nil {
			if len(rr.parts) == 0 {
				return 0, io.EOF
			}
			if err := rr.openPart(); err != nil {
				return 0, err
			}
			continue
		}
		n, err := rr.cur.Read(p)
		if n > 0 {
			return n, nil
		}
		if err == io.EOF {
			if err := rr.closePart(); err != nil {
				return 0, err
			}
			continue
		}
		return 0, err
	}
}

// openPart starts the next part: inline contents, or its file's data runs.
func (rr *resourceReader) openPart() error {
	pt := rr.parts[0]
	rr.parts = rr.parts[1:]
	if pt.path == "" {
		rr.cur = strings.NewReader(pt.contents)
		return nil
	}
	f, err := os.Open(pt.path)
	if err != nil {
		return err
	}
	var runs []io.Reader
	var off, want int64
	for i, n := range pt.runs {
		if i%2 == 0 && n > 0 {
			runs = append(runs, io.NewSectionReader(f, off, n))
			want += n
		}
		off += n
	}
	rr.f, rr.path, rr.left = f, pt.path, want
	rr.cur = &countingReader{r: io.MultiReader(runs...), left: &rr.left}
	return nil
}

// closePart ends the current part; a file that gave fewer bytes than it
// had when it was measured has changed.
func (rr *resourceReader) closePart() error {
	rr.cur = nil
	if rr.f == nil {
		return nil
	}
	err := rr.f.Close()
	rr.f = nil
	if rr.left != 0 {
		return fmt.Errorf("%s: file changed while it was read", rr.path)
	}
	return err
}

func (rr *resourceReader) Close() error {
	if rr.f != nil {
		rr.f.Close()
		rr.f = nil
	}
	rr.parts, rr.cur = nil, nil
	return nil
}

// countingReader counts down what it reads from left.
type countingReader struct {
	r    io.Reader
	left *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.left -= int64(n)
	return n, err
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
		full := hostPath(dir, p)
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

// hostPath is a host-path p of a config in dir as fwup opens it: relative
// to the config unless it starts with / or ~ (which fwup leaves as is).
func hostPath(dir, p string) string {
	if p[0] != '/' && p[0] != '~' {
		return dir + "/" + p
	}
	return p
}

// measureAll measures the resources on up to workers goroutines (0:
// GOMAXPROCS), adding their chunk sums to index in resource order when
// one is made. The error is the first resource's that failed.
func measureAll(resources []*Resource, index *chunkindex.Index, workers int) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	entries := make([]*chunkindex.Entry, len(resources))
	errs := make([]error, len(resources))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(resources)) {
		wg.Go(func() {
			for i := range next {
				entries[i], errs[i] = resources[i].measure(index)
			}
		})
	}
	for i := range resources {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return err
		}
		if index != nil {
			index.Resources = append(index.Resources, *entries[i])
		}
	}
	return nil
}

// measure hashes the resource's data bytes and, when index is made, sums
// their chunks.
func (r *Resource) measure(index *chunkindex.Index) (*chunkindex.Entry, error) {
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
		return nil, err
	}
	if n != r.DataSize() {
		return nil, fmt.Errorf("file-resource '%s': read %d bytes, expected %d", r.Name, n, r.DataSize())
	}
	r.Hash = hex.EncodeToString(h.Sum(nil))
	r.CRC = crc.Sum32()
	if chunks == nil {
		return nil, nil
	}
	e := chunks.Entry(r.Name)
	return &e, nil
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
