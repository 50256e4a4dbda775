package archive

import (
	"bytes"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
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

type job struct {
	data []byte
	dict []byte
	last bool
	out  chan []byte
}

// Deflate compresses src into dst as a raw deflate stream with the given
// level (1-9) on up to workers goroutines, and returns the CRC-32 and size
// of what it read. Memory stays bounded by a few chunks per worker.
func Deflate(dst io.Writer, src io.Reader, level, workers int) (Deflated, error) {
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
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				j.out <- compressChunk(j, level)
			}
		}()
	}

	readErr := make(chan error, 1)
	var total int64
	go func() {
		defer close(work)
		defer close(pending)
		var prev []byte
		buf := make([]byte, chunkSize)
		n, err := io.ReadFull(src, buf)
		for {
			if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
				readErr <- err
				return
			}
			data := append([]byte(nil), buf[:n]...)
			crc.Write(data)
			total += int64(n)
			// Look ahead one chunk so the final chunk is known to be last.
			var next int
			var nextErr error
			if err == nil {
				next, nextErr = io.ReadFull(src, buf)
			}
			last := err != nil || (next == 0 && nextErr == io.EOF)
			j := &job{data: data, dict: prev, last: last, out: make(chan []byte, 1)}
			pending <- j
			work <- j
			if last {
				readErr <- nil
				return
			}
			if len(data) > dictSize {
				prev = data[len(data)-dictSize:]
			} else {
				prev = data
			}
			n, err = next, nextErr
		}
	}()

	var writeErr error
	for j := range pending {
		out := <-j.out
		if writeErr == nil {
			_, writeErr = dst.Write(out)
		}
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

func compressChunk(j *job, level int) []byte {
	var b bytes.Buffer
	b.Grow(len(j.data)/2 + 64)
	fw, err := flate.NewWriterDict(&b, level, j.dict)
	if err != nil {
		panic(err) // only for a bad level, which callers check
	}
	fw.Write(j.data)
	if j.last {
		fw.Close()
	} else {
		fw.Flush()
	}
	return b.Bytes()
}
