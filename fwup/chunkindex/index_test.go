package chunkindex

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"reflect"
	"testing"
)

// build indexes resources of the given sizes, filled from seed.
func build(seed int64, size int, lengths ...int) (*Index, [][]byte) {
	r := rand.New(rand.NewSource(seed))
	ix := &Index{ChunkSize: size}
	var data [][]byte
	for i, n := range lengths {
		b := make([]byte, n)
		r.Read(b)
		h := NewHasher(size)
		// Write in uneven pieces: the sums do not depend on them.
		for p := b; len(p) > 0; {
			k := min(len(p), 1+r.Intn(3*size/2))
			h.Write(p[:k])
			p = p[k:]
		}
		ix.Resources = append(ix.Resources, h.Entry(string(rune('a'+i))+".img"))
		data = append(data, b)
	}
	return ix, data
}

func TestRoundTrip(t *testing.T) {
	ix, _ := build(1, 512, 0, 1, 511, 512, 513, 5000)
	got, err := Parse(ix.Encode())
	if err != nil {
		t.Fatal(err)
	}
	for i := range ix.Resources {
		if ix.Resources[i].Sums == nil {
			ix.Resources[i].Sums = [][SumSize]byte{}
		}
	}
	if !reflect.DeepEqual(got, ix) {
		t.Errorf("parsed %+v, want %+v", got, ix)
	}
	if n := len(got.Find("f.img").Sums); n != 10 {
		t.Errorf("5000 bytes in 512-byte chunks: %d sums, want 10", n)
	}
}

// TestParseRefuses: damaged indexes are refused with what was wrong.
func TestParseRefuses(t *testing.T) {
	ix, _ := build(2, 512, 1000, 20)
	good := ix.Encode()
	huge := append([]byte(nil), good[:12]...)
	huge = append(huge, 0xff, 0xff, 0xff, 0xff)
	for name, b := range map[string][]byte{
		"empty":          nil,
		"magic":          append([]byte("FWCHUNK2"), good[8:]...),
		"cut":            good[:len(good)-1],
		"trailing":       append(append([]byte(nil), good...), 0),
		"chunk size":     append(append([]byte("FWCHUNK1"), 0, 0, 0, 1), good[12:]...),
		"many resources": huge,
		"twice":          (&Index{ChunkSize: 512, Resources: []Entry{{Name: "x"}, {Name: "x"}}}).Encode(),
		"no name":        (&Index{ChunkSize: 512, Resources: []Entry{{Name: ""}}}).Encode(),
		"huge length":    (&Index{ChunkSize: 512, Resources: []Entry{{Name: "x", Length: 1 << 62}}}).Encode(),
	} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

// pieces is a reader giving its data in the given piece sizes.
type pieces struct {
	data  []byte
	sizes []int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		return 0, io.EOF
	}
	n := len(p.data)
	if len(p.sizes) > 0 {
		n, p.sizes = min(n, p.sizes[0]), p.sizes[1:]
	}
	n = copy(b, p.data[:n])
	p.data = p.data[n:]
	return n, nil
}

func TestCheckerKeepsPieces(t *testing.T) {
	ix, data := build(3, 512, 1300)
	r := NewReader(&pieces{data: data[0], sizes: []int{100, 700, 300, 200}}, &ix.Resources[0], 512)
	var got []int
	var all []byte
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			got = append(got, n)
			all = append(all, buf[:n]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{100, 700, 300, 200}; !reflect.DeepEqual(got, want) {
		t.Errorf("pieces %v, want %v", got, want)
	}
	if !bytes.Equal(all, data[0]) {
		t.Error("data changed")
	}
}

// TestCheckerStopsAtBadChunk: nothing of the bad chunk or after it is
// given, and everything before it is.
func TestCheckerStopsAtBadChunk(t *testing.T) {
	ix, data := build(4, 512, 3000)
	for _, tc := range []struct {
		name string
		data []byte
		good int
	}{
		{"byte in chunk 2", flip(data[0], 1100), 1024},
		{"short", data[0][:2900], 2560},
		{"long", append(append([]byte(nil), data[0]...), 1), 3000},
	} {
		got, err := io.ReadAll(NewReader(&pieces{data: tc.data, sizes: []int{300}}, &ix.Resources[0], 512))
		var mm *MismatchError
		if !errors.As(err, &mm) {
			t.Fatalf("%s: err %v, want a mismatch", tc.name, err)
		}
		if len(got) != tc.good || !bytes.Equal(got, data[0][:tc.good]) {
			t.Errorf("%s: gave %d bytes, want the first %d (%v)", tc.name, len(got), tc.good, err)
		}
	}
}

func flip(b []byte, at int) []byte {
	c := append([]byte(nil), b...)
	c[at] ^= 1
	return c
}

// FuzzRoundTrip: whatever parses encodes to the same bytes, and an index
// built from any resources parses back to itself and checks their data.
func FuzzRoundTrip(f *testing.F) {
	ix, _ := build(5, 512, 10, 600)
	f.Add(ix.Encode(), int64(0), uint16(700))
	f.Add([]byte("FWCHUNK1\x00\x00\x02\x00\x00\x00\x00\x00"), int64(1), uint16(0))
	f.Fuzz(func(t *testing.T, b []byte, seed int64, n uint16) {
		if got, err := Parse(b); err == nil && !bytes.Equal(got.Encode(), b) {
			t.Fatalf("parsed and encoded: %x, was %x", got.Encode(), b)
		}
		ix, data := build(seed, 512, int(n), int(n)/3)
		got, err := Parse(ix.Encode())
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.Resources {
			out, err := io.ReadAll(NewReader(&pieces{data: data[i], sizes: []int{int(n%1000) + 1}}, &got.Resources[i], 512))
			if err != nil || !bytes.Equal(out, data[i]) {
				t.Fatalf("resource %d: %v", i, err)
			}
		}
	})
}
