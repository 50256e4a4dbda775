package squashfs

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/firmwright/firmwright/internal/bufpool"
)

// fileData is where a regular file's contents are in the image.
// Duplicate files share one.
type fileData struct {
	// start is the position of the first block.
	start uint64
	// blocks are the stored size words of the full blocks (and of the
	// tail when it is not in a fragment); 0 is a block of zeros that
	// takes no space.
	blocks []uint32
	// fragment and fragmentOffset locate the tail in a fragment block;
	// fragment is noFragment when there is none.
	fragment       uint32
	fragmentOffset uint32
	// sparse counts the bytes in all-zero blocks.
	sparse uint64

	// sum is the SHA-256 of the contents, computed only for files whose
	// size another file shares (see hashCandidates).
	sum    [sha256.Size]byte
	hashed bool
}

// job is one block on its way to the image: read, compressed by a worker,
// then written by the writer in the order the jobs were made, which keeps
// the output the same whatever the number of workers.
type job struct {
	raw []byte
	// packed is raw compressed, or nil if the block is stored as is.
	packed []byte
	// sparse is set for a data block of zeros, which is not stored.
	sparse bool
	// from is set for a block copied as another image stores it (in
	// packed, word its size word): the worker checks it, not compresses
	// it (copyblocks.go).
	from    storedBlocks
	word    uint32
	path    string // the file's, for errors
	checked bool   // from's block was checked as it was read

	// A data block is block index of file; a fragment block has file
	// nil and its index in fragment.
	file     *fileData
	index    int
	fragment int64

	done chan struct{}
	err  error
}

// zeroBlock is compared against to find blocks of zeros.
var zeroBlock [maxBlockSize]byte

// dataWriter writes the contents of the files: their blocks and the
// fragment blocks, compressed on several goroutines.
type dataWriter struct {
	iw         *imageWriter
	codec      *codec
	blockSize  int
	workers    int
	fragments  bool // pack small files into fragment blocks
	tailEnds   bool // and the tails of larger files
	copyBlocks bool // copy whole blocks from a SquashFS of this format

	packer    fragmentPacker
	fragTable []fragmentEntry

	rawPool, packedPool *bufpool.Pool

	mu     sync.Mutex
	err    error
	failed chan struct{}
}

func newDataWriter(iw *imageWriter, c *codec, cfg *config) *dataWriter {
	dw := &dataWriter{
		iw:         iw,
		codec:      c,
		blockSize:  cfg.blockSize,
		workers:    cfg.workers,
		fragments:  !cfg.noFragments,
		tailEnds:   !cfg.noTailEnds,
		copyBlocks: cfg.copyBlocks,
		packer:     fragmentPacker{blockSize: cfg.blockSize},
		failed:     make(chan struct{}),
	}
	keep := 4*cfg.workers + 8
	dw.rawPool, dw.packedPool = bufpool.New(cfg.blockSize, keep, nil), bufpool.New(cfg.blockSize, keep, nil)
	return dw
}

func (dw *dataWriter) fail(err error) {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	if dw.err == nil {
		dw.err = err
		close(dw.failed)
	}
}

func (dw *dataWriter) hasFailed() bool {
	select {
	case <-dw.failed:
		return true
	default:
		return false
	}
}

func (dw *dataWriter) rawBuffer() []byte { return dw.rawPool.Get() }

// write stores the contents of files, in that order, then the last
// fragment block.
func (dw *dataWriter) write(files []*inode) error {
	// Enough blocks in flight to keep every worker busy while the writer
	// waits for the oldest; this bounds the memory used to a few blocks
	// per worker.
	inflight := 4 * dw.workers
	work := make(chan *job, inflight)
	ordered := make(chan *job, inflight)

	var workers sync.WaitGroup
	for range dw.workers {
		comp, err := dw.codec.newCompressor()
		if err != nil {
			return fmt.Errorf("squashfs: compressor: %w", err)
		}
		workers.Go(func() {
			for j := range work {
				dw.compress(comp, j)
				close(j.done)
			}
		})
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for j := range ordered {
			<-j.done
			if err := j.err; err != nil {
				dw.fail(err)
			} else if !dw.hasFailed() {
				if err := dw.store(j); err != nil {
					dw.fail(err)
				}
			}
			dw.release(j)
		}
	}()

	submit := func(j *job) {
		j.done = make(chan struct{})
		ordered <- j
		work <- j
	}
	if err := dw.produce(files, submit); err != nil {
		dw.fail(err)
	}
	close(work)
	close(ordered)
	workers.Wait()
	<-writerDone
	return dw.err
}

// produce reads the files in order and cuts them into jobs.
func (dw *dataWriter) produce(files []*inode, submit func(*job)) error {
	firstCopy := make(map[contentKey]*fileData)
	for _, ino := range files {
		if dw.hasFailed() {
			return nil
		}
		if d := ino.data; d.hashed {
			key := contentKey{size: ino.entry.Size, sum: d.sum}
			if first := firstCopy[key]; first != nil {
				ino.data = first
				continue
			}
			firstCopy[key] = d
		}
		if err := dw.produceFile(ino, submit); err != nil {
			return err
		}
	}
	if j := dw.packer.close(); j != nil {
		submit(j)
	}
	return nil
}

func (dw *dataWriter) produceFile(ino *inode, submit func(*job)) (err error) {
	e, d := ino.entry, ino.data
	bs := int64(dw.blockSize)
	full, tail := e.Size/bs, int(e.Size%bs)
	packTail := tail > 0 && dw.fragments && (full == 0 || dw.tailEnds)
	nblocks := full
	if tail > 0 && !packTail {
		nblocks++
	}
	d.blocks = make([]uint32, nblocks)

	rc, err := e.Open()
	if err != nil {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	defer func() {
		if cerr := rc.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("squashfs: %s: %w", e.Path, cerr)
		}
	}()
	var sum hash.Hash
	if d.hashed {
		sum = sha256.New()
	}
	var done int64
	read := func(buf []byte) error {
		n, err := io.ReadFull(rc, buf)
		done += int64(n)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("squashfs: %s: file has only %d of its %d bytes", e.Path, done, e.Size)
		}
		if err != nil {
			return fmt.Errorf("squashfs: %s: %w", e.Path, err)
		}
		if sum != nil {
			sum.Write(buf)
		}
		return nil
	}

	from := dw.copier(rc)
	for i := range int(nblocks) {
		if from != nil {
			copied, err := dw.copyBlock(from, d, i, e.Path, sum)
			if err != nil {
				return fmt.Errorf("squashfs: %s: %w", e.Path, err)
			}
			if copied != nil {
				done += bs
				submit(copied)
				continue
			}
			from = nil
		}
		buf := dw.rawBuffer()[:min(bs, e.Size-done)]
		if err := read(buf); err != nil {
			return err
		}
		submit(&job{raw: buf, file: d, index: i})
	}
	if packTail {
		buf, index, offset, closed := dw.packer.reserve(tail, dw.rawBuffer)
		if closed != nil {
			submit(closed)
		}
		if err := read(buf); err != nil {
			return err
		}
		d.fragment, d.fragmentOffset = index, offset
	}
	var extra [1]byte
	if n, err := rc.Read(extra[:]); n > 0 {
		return fmt.Errorf("squashfs: %s: file has more than its %d bytes", e.Path, e.Size)
	} else if err != nil && err != io.EOF {
		return fmt.Errorf("squashfs: %s: %w", e.Path, err)
	}
	if sum != nil && !bytes.Equal(sum.Sum(nil), d.sum[:]) {
		return fmt.Errorf("squashfs: %s: contents changed while the image was written", e.Path)
	}
	return nil
}

// copyBlock makes the job of block index of a file whose blocks come from
// from, or returns nil when that block is not a whole one. When the
// file's contents are hashed (sum), the block is checked here, as it is
// hashed, else on a worker.
func (dw *dataWriter) copyBlock(from storedBlocks, d *fileData, index int, path string, sum hash.Hash) (*job, error) {
	buf := dw.packedPool.Get()
	stored, word, ok, err := from.nextStored(buf[:0])
	if err != nil || !ok {
		dw.packedPool.Put(buf)
		return nil, err
	}
	j := &job{packed: stored, from: from, word: word, sparse: word == 0, file: d, index: index, path: path}
	if sum != nil {
		scratch := dw.rawBuffer()
		defer dw.rawPool.Put(scratch)
		raw, err := from.checkStored(stored, word, scratch)
		if err != nil {
			dw.packedPool.Put(buf)
			return nil, fmt.Errorf("block %d: %w", index, err)
		}
		sum.Write(raw)
		j.checked = true
	}
	return j, nil
}

// compress runs on a worker.
func (dw *dataWriter) compress(comp compressor, j *job) {
	if j.from != nil {
		if j.checked {
			return
		}
		scratch := dw.rawBuffer()
		if _, err := j.from.checkStored(j.packed, j.word, scratch); err != nil {
			j.err = fmt.Errorf("squashfs: %s: block %d: %w", j.path, j.index, err)
		}
		dw.rawPool.Put(scratch)
		return
	}
	if j.file != nil && bytes.Equal(j.raw, zeroBlock[:len(j.raw)]) {
		j.sparse = true
		return
	}
	dst := dw.packedPool.Get()[:0]
	packed, err := comp.compress(dst, j.raw)
	if err != nil {
		j.err = fmt.Errorf("squashfs: compressing: %w", err)
		return
	}
	if packed == nil {
		dw.packedPool.Put(dst)
	}
	j.packed = packed
}

// store writes a compressed block and records where it went. It runs on
// the writer goroutine, in job order.
func (dw *dataWriter) store(j *job) error {
	pos := dw.iw.pos
	var word uint32
	switch {
	case j.sparse:
		word = 0
	case j.from != nil:
		if err := dw.iw.write(j.packed); err != nil {
			return err
		}
		word = j.word
	case j.packed == nil:
		if err := dw.iw.write(j.raw); err != nil {
			return err
		}
		word = uint32(len(j.raw)) | dataUncompressed
	default:
		if err := dw.iw.write(j.packed); err != nil {
			return err
		}
		word = uint32(len(j.packed))
	}
	if j.file == nil {
		if int64(len(dw.fragTable)) != j.fragment {
			return fmt.Errorf("squashfs: internal error: fragment block %d written as %d", j.fragment, len(dw.fragTable))
		}
		dw.fragTable = append(dw.fragTable, fragmentEntry{start: pos, size: word})
		return nil
	}
	if j.index == 0 {
		j.file.start = pos
	}
	j.file.blocks[j.index] = word
	if j.sparse {
		n := len(j.raw)
		if j.from != nil {
			n = dw.blockSize
		}
		j.file.sparse += uint64(n)
	}
	return nil
}

func (dw *dataWriter) release(j *job) {
	if j.raw != nil {
		dw.rawPool.Put(j.raw[:cap(j.raw)])
	}
	if j.packed != nil {
		dw.packedPool.Put(j.packed[:0])
	}
	j.raw, j.packed = nil, nil
}
