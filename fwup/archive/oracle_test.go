package archive

import (
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// inflatePy inflates raw deflate streams with python3's zlib (the
// reference inflater): argv is pairs of stream and expected data files.
const inflatePy = `
import sys, zlib
bad = 0
a = sys.argv[1:]
for comp, want in zip(a[::2], a[1::2]):
    d = zlib.decompressobj(-15)
    got = d.decompress(open(comp, "rb").read()) + d.flush()
    if not d.eof or d.unused_data or got != open(want, "rb").read():
        print(comp, "does not inflate to", want); bad = 1
sys.exit(bad)
`

// TestDeflateInflatesWithZlib: Deflate's streams (internal/deflate, every
// level, and the compat encoder), of 1 to several chunks, inflate with
// zlib and with Go's inflater to the input, and are the same for any
// number of workers.
func TestDeflateInflatesWithZlib(t *testing.T) {
	py := oracle.Tool(t, "python3")
	inputs := map[string][]byte{"empty": {}, "one": {7}, "chunk": sample(chunkSize, 1), "big": sample(2*chunkSize+777, 2),
		"random": randomBytes(chunkSize+5, 3)}
	dir := t.TempDir()
	var args []string
	levels := []int{1, 9, 10} // the chunking is what is tested; internal/deflate checks every level
	if testing.Short() {
		levels = []int{1, 9}
	}
	for name, data := range inputs {
		want := filepath.Join(dir, name)
		if err := os.WriteFile(want, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, level := range append(levels, -9) {
			deflate := Deflate
			if level < 0 {
				deflate, level = DeflateCompat, -level
			}
			var one, many bytes.Buffer
			d, err := deflate(&one, bytes.NewReader(data), level, 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := deflate(&many, bytes.NewReader(data), level, 3); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(one.Bytes(), many.Bytes()) {
				t.Errorf("%s level %d: output depends on the number of workers", name, level)
			}
			if d.Size != int64(len(data)) || d.CRC != crc32.ChecksumIEEE(data) {
				t.Errorf("%s level %d: size %d crc %08x", name, level, d.Size, d.CRC)
			}
			got, err := io.ReadAll(flate.NewReader(bytes.NewReader(one.Bytes())))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("%s level %d: Go's inflate: %v", name, level, err)
			}
			comp := filepath.Join(dir, name+"."+string(rune('a'+level)))
			if err := os.WriteFile(comp, one.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, comp, want)
		}
	}
	if out, err := exec.Command(py, append([]string{"-c", inflatePy}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("python3 zlib: %v\n%s", err, out)
	}
}

func randomBytes(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// TestStoredFrom: a stored entry with its CRC up front reads back, carries
// no descriptor, and a wrong CRC or size is refused.
func TestStoredFrom(t *testing.T) {
	data := randomBytes(100000, 6)
	var buf bytes.Buffer
	zw := NewWriter(&buf)
	copyData := func(w io.Writer) (Deflated, error) {
		_, err := w.Write(data)
		return Deflated{CRC: crc32.ChecksumIEEE(data), Size: int64(len(data))}, err
	}
	if err := zw.WriteStoredFrom(Entry{Name: "data/r"}, int64(len(data)), crc32.ChecksumIEEE(data), copyData); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr := NewReader(bytes.NewReader(buf.Bytes()))
	h, err := zr.Next()
	if err != nil {
		t.Fatal(err)
	}
	if crc, ok := h.StoredCRC(); !ok || crc != crc32.ChecksumIEEE(data) || h.Method != MethodStore {
		t.Errorf("header: method %d crc %08x %v", h.Method, crc, ok)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v", err)
	}
	if _, err := zr.Next(); err != io.EOF {
		t.Errorf("after the entry: %v", err)
	}
	if err := NewWriter(io.Discard).WriteStoredFrom(Entry{Name: "x"}, int64(len(data)), 1, copyData); err == nil {
		t.Error("a wrong CRC was accepted")
	}
}
