package archive

import (
	"bytes"
	"hash/crc32"
	"io"
	"sync"

	"github.com/firmwright/firmwright/internal/deflate"
	kflate "github.com/klauspost/compress/flate"
)

// chunkSize is how much input one compression job takes. Each chunk is
// compressed with the previous chunk's last 32 KiB as its dictionary and
// ends with a sync flush, so the concatenated chunks are one deflate stream
// that costs almost nothing in ratio. The chunking is fixed, so the output
// does not depend on how many workers ran or in what order they finished.
const chunkSize = 1 << 20

const dictSize = 32 << 10

// maxInFlight caps the chunks compressed or waiting to be written at once.
const maxInFlight = 6

// MaxLevel is the highest level Deflate takes: internal/deflate's
// near-optimal parse (10..12 are past zlib's 9).
const MaxLevel = deflate.BestRatio

type job struct {
	data []byte
	dict []byte
	last bool
	out  chan []byte
}

// chunker compresses one job; each worker goroutine owns one.
type chunker func(j *job) []byte

// Deflate compresses src into dst as a raw deflate stream with
// internal/deflate at level (1-12) on up to workers goroutines, and
// returns the CRC-32 and size of what it read. Memory stays bounded by a
// few chunks per worker.
func Deflate(dst io.Writer, src io.Reader, level, workers int) (Deflated, error) {
	return deflateChunks(dst, src, workers, func() chunker { return ourChunker(level) })
}

// DeflateCompat is Deflate with klauspost/compress at level (1-9): the
// bytes firmwright's fwup mode (fwup -c, -S) has always written, which the
// recorded checks against a real fwup hold.
func DeflateCompat(dst io.Writer, src io.Reader, level, workers int) (Deflated, error) {
	return deflateChunks(dst, src, workers, func() chunker { return compatChunker(level) })
}

// deflateChunks is Deflate with each worker's chunker made by
// newChunker. A write error stops the reading and compressing.
func deflateChunks(dst io.Writer, src io.Reader, workers int, newChunker func() chunker) (Deflated, error) {
	if workers < 1 {
		workers = 1
	}
	crc := crc32.NewIEEE()
	// Every job waiting in pending holds its input and output chunks, so
	// its capacity bounds memory: whatever the number of cores, at most
	// maxInFlight chunks are held.
	inFlight := min(2*workers, maxInFlight)
	pending := make(chan *job, inFlight)
	work := make(chan *job, inFlight)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			compress := newChunker()
			for j := range work {
				j.out <- compress(j)
			}
		}()
	}

	readErr := make(chan error, 1)
	var total int64
	go func() {
		defer close(work)
		defer close(pending)
		readErr <- readChunks(src, crc, &total, func(j *job) bool {
			select {
			case pending <- j:
			case <-stop:
				return false
			}
			work <- j
			return true
		})
	}()

	var writeErr error
	for j := range pending {
		out := <-j.out
		if writeErr == nil {
			if _, writeErr = dst.Write(out); writeErr != nil {
				close(stop)
			}
		}
		putBuffer(&outBuffers, out)
		putBuffer(&chunkBuffers, j.data)
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return Deflated{}, err
	}
	if writeErr != nil {
		return Deflated{}, writeErr
	}
	return Deflated{CRC: crc.Sum32(), Size: total}, nil
}

// readChunks reads src in chunks, each with the previous one's end as its
// dictionary, and hands them to send until src ends or send says stop.
// Each chunk is read into a buffer of its own and its dictionary copied,
// so that the writer can reuse a chunk's buffer once it is written.
func readChunks(src io.Reader, crc io.Writer, total *int64, send func(*job) bool) error {
	var prev []byte
	buf := getBuffer(&chunkBuffers, chunkSize)
	n, err := io.ReadFull(src, buf)
	for {
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			putBuffer(&chunkBuffers, buf)
			return err
		}
		data := buf[:n]
		crc.Write(data)
		*total += int64(n)
		// Look ahead one chunk so the final chunk is known to be last.
		var next int
		var nextErr error
		if err == nil {
			buf = getBuffer(&chunkBuffers, chunkSize)
			next, nextErr = io.ReadFull(src, buf)
		}
		last := err != nil || (next == 0 && nextErr == io.EOF)
		if !send(&job{data: data, dict: prev, last: last, out: make(chan []byte, 1)}) || last {
			if !last {
				putBuffer(&chunkBuffers, buf)
			}
			return nil
		}
		prev = append([]byte(nil), data[len(data)-min(len(data), dictSize):]...)
		n, err = next, nextErr
	}
}

// chunkBuffers and outBuffers keep chunks' input and output buffers for
// reuse: fresh ones for every chunk were a page fault per 4 KiB, which
// cost a build more system time than the deflate's user time it saved.
var chunkBuffers, outBuffers sync.Pool

func getBuffer(pool *sync.Pool, n int) []byte {
	if b, ok := pool.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n)
}

func putBuffer(pool *sync.Pool, b []byte) {
	b = b[:0]
	pool.Put(&b)
}

// streamWriter is a deflate writer, either encoder's.
type streamWriter interface {
	io.Writer
	Flush() error
	Close() error
}

// compressTo writes j's data to zw, which writes to b, and ends it with
// a sync flush, or the final block for the last chunk.
func compressTo(zw streamWriter, b *bytes.Buffer, j *job) []byte {
	zw.Write(j.data)
	if j.last {
		zw.Close()
	} else {
		zw.Flush()
	}
	return b.Bytes()
}

// writers keeps internal/deflate's Writers, by level, across resources:
// each holds a megabyte or so of tables.
var writers [MaxLevel + 1]sync.Pool

// ourChunker compresses with internal/deflate, one Writer for the worker.
func ourChunker(level int) chunker {
	return func(j *job) []byte {
		b := bytes.NewBuffer(getBuffer(&outBuffers, len(j.data)+len(j.data)/64+64)[:0])
		zw, _ := writers[level].Get().(*deflate.Writer)
		if zw == nil {
			var err error
			if zw, err = deflate.NewWriterDict(b, level, j.dict); err != nil {
				panic(err) // only for a bad level, which callers check
			}
		} else {
			zw.ResetDict(b, j.dict)
		}
		out := compressTo(zw, b, j)
		writers[level].Put(zw)
		return out
	}
}

// compatChunker compresses with klauspost/compress (fwup mode's bytes).
func compatChunker(level int) chunker {
	return func(j *job) []byte {
		b := new(bytes.Buffer)
		b.Grow(len(j.data)/2 + 64)
		fw, err := kflate.NewWriterDict(b, level, j.dict)
		if err != nil {
			panic(err) // only for a bad level, which callers check
		}
		return compressTo(fw, b, j)
	}
}
