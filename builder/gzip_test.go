package builder

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// TestGzipWriter: the initramfs's gzip stream decompresses with Go's gzip
// and with python3's (zlib), to the same bytes, for inputs written whole
// and in odd pieces.
func TestGzipWriter(t *testing.T) {
	py := oracle.Tool(t, "python3")
	data := bytes.Repeat([]byte("070701 cpio newc header and some file data\x00\x01\x02"), 50000)
	for i := range data {
		if i%7 == 0 {
			data[i] ^= byte(i >> 3)
		}
	}
	for _, piece := range []int{len(data), 1, 4097} {
		var buf bytes.Buffer
		zw, err := newGzipWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for p := data; len(p) > 0; {
			n := min(piece, len(p))
			if _, err := zw.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("piece %d: Go's gzip: %v", piece, err)
		}
		dir := t.TempDir()
		gz, want := filepath.Join(dir, "x.gz"), filepath.Join(dir, "x")
		os.WriteFile(gz, buf.Bytes(), 0o644)
		os.WriteFile(want, data, 0o644)
		script := "import gzip,sys\nsys.exit(gzip.decompress(open(sys.argv[1],'rb').read()) != open(sys.argv[2],'rb').read())"
		if out, err := exec.Command(py, "-c", script, gz, want).CombinedOutput(); err != nil {
			t.Fatalf("piece %d: python3 gzip: %v\n%s", piece, err, out)
		}
	}
}
