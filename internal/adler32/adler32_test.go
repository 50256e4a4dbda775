package adler32

import (
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestChecksumIsAdler32 compares with hash/adler32 on all-0xff data
// (the sums' worst case), random data and lengths around every boundary
// of the strand split, and on split updates.
func TestChecksumIsAdler32(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	big := make([]byte, 40*blockWords+123)
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	ones := make([]byte, len(big))
	for i := range ones {
		ones[i] = 0xff
	}
	var lengths []int
	for _, edge := range []int{0, 8, 8 * blockWords, 16 * blockWords, 8*blockWords*3 + 8} {
		for d := -5; d <= 5; d++ {
			if edge+d >= 0 {
				lengths = append(lengths, edge+d)
			}
		}
	}
	lengths = append(lengths, len(big))
	for _, data := range [][]byte{big, ones} {
		for _, n := range lengths {
			if got, want := Checksum(data[:n]), adler32.Checksum(data[:n]); got != want {
				t.Fatalf("Checksum of %d bytes (first %#x) = %#x, want %#x", n, data[0], got, want)
			}
			cut := rng.IntN(n + 1)
			if got, want := Update(Checksum(data[:cut]), data[cut:n]), adler32.Checksum(data[:n]); got != want {
				t.Fatalf("Update over %d+%d bytes = %#x, want %#x", cut, n-cut, got, want)
			}
		}
	}
}

func FuzzChecksum(f *testing.F) {
	f.Add([]byte("Wikipedia"), uint16(3))
	f.Fuzz(func(t *testing.T, p []byte, cut uint16) {
		c := min(int(cut), len(p))
		if got, want := Update(Checksum(p[:c]), p[c:]), adler32.Checksum(p); got != want {
			t.Fatalf("%#x, want %#x", got, want)
		}
	})
}

func benchmark(b *testing.B, sum func([]byte) uint32) {
	p := make([]byte, 64<<10)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		sum(p)
	}
}

func BenchmarkChecksum(b *testing.B)        { benchmark(b, Checksum) }
func BenchmarkStandardLibrary(b *testing.B) { benchmark(b, adler32.Checksum) }
