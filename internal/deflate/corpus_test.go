package deflate

import (
	"os"
	"path/filepath"
	"testing"
)

// The benchmark corpus is built by testdata/mkcorpus.sh; tests and
// benchmarks that need it skip when FIRMWRIGHT_DEFLATE_CORPUS does not name
// its folder.
const corpusEnv = "FIRMWRIGHT_DEFLATE_CORPUS"

var corpusKinds = []string{"arm64-elf", "x86-elf", "beam", "text"}

// corpusFiles returns the corpus' files, or skips tb.
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	dir := os.Getenv(corpusEnv)
	if dir == "" {
		tb.Skipf("%s is not set (testdata/mkcorpus.sh builds the corpus)", corpusEnv)
	}
	var files []string
	for _, k := range corpusKinds {
		f := filepath.Join(dir, k)
		if _, err := os.Stat(f); err != nil {
			tb.Skipf("corpus file missing: %v", err)
		}
		files = append(files, f)
	}
	return files
}

// piece is one unit the benchmarks compress: data, and the dictionary
// before it (fwup's chunks) or none (SquashFS blocks).
type piece struct{ dict, data []byte }

// loadPieces cuts files into block-byte pieces, each with up to dictSize
// bytes before it as its dictionary.
func loadPieces(tb testing.TB, files []string, block, dictSize int) []piece {
	tb.Helper()
	var ps []piece
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for i := 0; i < len(data); i += block {
			ps = append(ps, piece{data[max(0, i-dictSize):i], data[i:min(i+block, len(data))]})
		}
	}
	return ps
}
