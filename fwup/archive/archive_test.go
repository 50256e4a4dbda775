package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"testing"
	"time"
)

func sample(n int, seed int64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewSource(seed))
	for i := range b {
		if i%3 == 0 {
			b[i] = byte(r.Intn(256))
		} else {
			b[i] = byte(i / 97)
		}
	}
	return b
}

func build(t testing.TB, workers int, entries map[string][]byte, order []string) []byte {
	var buf bytes.Buffer
	zw := NewWriter(&buf)
	mt := time.Unix(1700000000, 0)
	if err := zw.WriteStored(Entry{Name: "meta.conf.ed25519"}, make([]byte, 64)); err != nil {
		t.Fatal(err)
	}
	for i, name := range order {
		e := Entry{Name: name}
		if i == 0 {
			e.Modified = &mt
		}
		data := entries[name]
		err := zw.WriteDeflated(e, int64(len(data)), func(w io.Writer) (Deflated, error) {
			return Deflate(w, bytes.NewReader(data), 9, workers)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRoundTripAndDeterminism writes entries of awkward sizes (empty, one
// byte, exactly one chunk, several chunks) with 1 and 4 workers: the bytes
// must be identical, and the streaming reader must return every entry.
func TestRoundTripAndDeterminism(t *testing.T) {
	entries := map[string][]byte{"meta.conf": []byte("meta-product=x\n"), "data/empty": {}, "data/one": {7},
		"data/chunk": sample(chunkSize, 1), "data/big": sample(3*chunkSize+12345, 2)}
	order := []string{"meta.conf", "data/empty", "data/one", "data/chunk", "data/big"}
	a, b := build(t, 1, entries, order), build(t, 4, entries, order)
	if !bytes.Equal(a, b) {
		t.Fatal("output depends on the number of workers")
	}
	zr := NewReader(bytes.NewReader(a))
	names := []string{"meta.conf.ed25519"}
	names = append(names, order...)
	for _, name := range names {
		h, err := zr.Next()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, ok := entries[name]
		if !ok {
			want = make([]byte, 64)
		}
		// A zero size with a data descriptor reads as "not given", as in libarchive.
		if h.Name != name || !bytes.Equal(got, want) || h.SizeKnown != (len(want) > 0) || h.Size != int64(len(want)) {
			t.Errorf("entry %s: got %s, %d bytes (size %d known %v)", name, h.Name, len(got), h.Size, h.SizeKnown)
		}
		if name == "meta.conf" && !h.Modified.Equal(time.Unix(1700000000, 0)) {
			t.Errorf("meta.conf time %v", h.Modified)
		}
	}
	if _, err := zr.Next(); err != io.EOF {
		t.Errorf("after last entry: %v", err)
	}
}

// TestTruncated cuts an archive at every 1/64 of its length: the reader
// must report a format error, never succeed or panic.
func TestTruncated(t *testing.T) {
	full := build(t, 2, map[string][]byte{"meta.conf": []byte("meta-product=x\n"), "data/x": sample(200000, 3)}, []string{"meta.conf", "data/x"})
	central := bytes.LastIndex(full, []byte("PK\x01\x02"))
	for i := 0; i < 64; i++ {
		cut := len(full) * i / 64
		if cut >= central {
			break
		}
		err := readAllEntries(full[:cut])
		if !errors.Is(err, ErrFormat) {
			t.Errorf("cut at %d: %v", cut, err)
		}
	}
	if err := readAllEntries(full); err != nil {
		t.Errorf("whole archive: %v", err)
	}
}

// TestCorrupt flips a byte in a resource's compressed data.
func TestCorrupt(t *testing.T) {
	full := build(t, 1, map[string][]byte{"meta.conf": []byte("meta-product=x\n"), "data/x": sample(5000, 4)}, []string{"meta.conf", "data/x"})
	at := bytes.Index(full, []byte("data/x")) + 60
	full[at] ^= 0x55
	if err := readAllEntries(full); !errors.Is(err, ErrFormat) {
		t.Errorf("corrupt data read as %v", err)
	}
}

// readAllEntries reads every entry, plainly and with Prefetch: both must
// fail alike (or not at all).
func readAllEntries(b []byte) error {
	plain, pre := readAll(b, false), readAll(b, true)
	if (plain == nil) != (pre == nil) || errors.Is(plain, ErrFormat) != errors.Is(pre, ErrFormat) ||
		errors.Is(plain, ErrTruncated) != errors.Is(pre, ErrTruncated) {
		return fmt.Errorf("read as %v, with Prefetch as %v", plain, pre)
	}
	return plain
}

func readAll(b []byte, prefetch bool) error {
	zr := NewReader(bytes.NewReader(b))
	if prefetch {
		zr.Prefetch()
		defer zr.Close()
	}
	for {
		if _, err := zr.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return err
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add(build(f, 1, map[string][]byte{"meta.conf": []byte("meta-product=x\n"), "data/x": []byte("hello")}, []string{"meta.conf", "data/x"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, ok := readEntries(NewReader(bytes.NewReader(b)))
		pr := NewReader(bytes.NewReader(b))
		pr.Prefetch()
		pre, preOK := readEntries(pr)
		pr.Close()
		if preOK != ok || len(pre) != len(entries) {
			t.Fatalf("with Prefetch: %d entries (whole: %v), without %d (%v)", len(pre), preOK, len(entries), ok)
		}
		for i := range pre {
			if pre[i].name != entries[i].name || !bytes.Equal(pre[i].data, entries[i].data) {
				t.Fatalf("entry %d reads differently with Prefetch", i)
			}
		}
		if !ok || len(entries) == 0 {
			return
		}
		// What reads, the writer writes again (stored, then deflated),
		// and that reads back the same.
		for _, deflate := range []bool{false, true} {
			var out bytes.Buffer
			zw := NewWriter(&out)
			for _, e := range entries {
				mtime := e.mtime
				var err error
				if deflate {
					err = zw.WriteDeflated(Entry{Name: e.name, Modified: &mtime}, int64(len(e.data)), func(dst io.Writer) (Deflated, error) {
						return Deflate(dst, bytes.NewReader(e.data), 6, 1)
					})
				} else {
					err = zw.WriteStored(Entry{Name: e.name, Modified: &mtime}, e.data)
				}
				if err != nil {
					return // a name the writer refuses
				}
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			again, ok := readEntries(NewReader(&out))
			if !ok || len(again) != len(entries) {
				t.Fatalf("read back %d entries (whole: %v), wrote %d", len(again), ok, len(entries))
			}
			for i := range again {
				// A time the UT field's 32 unsigned bits cannot hold (DOS
				// fields can read as late as 2108) is written truncated,
				// as libarchive writes it.
				sameTime := again[i].mtime.Equal(entries[i].mtime) || entries[i].mtime.Unix() > math.MaxUint32
				if again[i].name != entries[i].name || !bytes.Equal(again[i].data, entries[i].data) || !sameTime {
					t.Fatalf("entry %d read back as %q (%d bytes, %v), written %q (%d bytes, %v)", i,
						again[i].name, len(again[i].data), again[i].mtime, entries[i].name, len(entries[i].data), entries[i].mtime)
				}
			}
		}
	})
}

type fuzzEntry struct {
	name  string
	mtime time.Time
	data  []byte
}

// readEntries reads an archive's entries (at most 100, 1 MiB each);
// ok is false if reading stopped at an error.
func readEntries(zr *Reader) (entries []fuzzEntry, ok bool) {
	for range 100 {
		h, err := zr.Next()
		if err == io.EOF {
			return entries, true
		}
		if err != nil {
			return entries, false
		}
		data, err := io.ReadAll(io.LimitReader(zr, 1<<20))
		if err != nil || len(data) == 1<<20 {
			return entries, false
		}
		entries = append(entries, fuzzEntry{h.Name, h.Modified, data})
	}
	return entries, false
}

// TestUTTimeIsUnsigned: the UT field's seconds read as libarchive reads
// them, unsigned: a time after 2038 survives the round trip.
func TestUTTimeIsUnsigned(t *testing.T) {
	late := time.Date(2097, 8, 9, 10, 11, 12, 0, time.UTC)
	var out bytes.Buffer
	zw := NewWriter(&out)
	if err := zw.WriteStored(Entry{Name: "meta.conf", Modified: &late}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	h, err := NewReader(&out).Next()
	if err != nil || !h.Modified.Equal(late) {
		t.Errorf("read back %v (%v), want %v", h.Modified, err, late)
	}
}
