package rootfs_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
)

// splitLess is the definition Less had before Compare: components split
// out and compared one by one, the root first.
func splitLess(a, b string) bool {
	if a == b {
		return false
	}
	if a == "." {
		return true
	}
	if b == "." {
		return false
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] != bs[i] {
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

func splitCompare(a, b string) int {
	switch {
	case splitLess(a, b):
		return -1
	case splitLess(b, a):
		return 1
	}
	return 0
}

// randomPath makes paths rich in the bytes that matter to the order:
// '/', bytes just below and above it, '.', the extremes.
func randomPath(r *rand.Rand) string {
	const alphabet = "/.-0aAb\x00\x01\xfe\xff"
	switch r.IntN(20) {
	case 0:
		return "."
	case 1:
		return ""
	}
	b := make([]byte, r.IntN(9))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func TestCompareMatchesSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		a, b := randomPath(r), randomPath(r)
		if r.IntN(4) == 0 { // share a prefix, as siblings and parents do
			b = a[:r.IntN(len(a)+1)] + b
		}
		if got, want := rootfs.Compare(a, b), splitCompare(a, b); got != want {
			t.Fatalf("Compare(%q, %q) = %d, the Split definition says %d", a, b, got, want)
		}
		if rootfs.Less(a, b) != splitLess(a, b) {
			t.Fatalf("Less(%q, %q) = %v, the Split definition says %v", a, b, rootfs.Less(a, b), splitLess(a, b))
		}
	}
	for _, c := range []struct {
		a, b string
		want int
	}{
		{".", "a", -1}, {"a", ".", 1}, {".", ".", 0}, {".", "", -1},
		{"a", "a/b", -1}, {"a/b", "a-b", -1}, {"a-b", "a/b", 1}, {"a/b", "a/b", 0},
		{"usr/lib", "usr/lib/x", -1}, {"usr/lib/x", "usr/lib64", -1}, {"a/b", "a\x00", -1},
	} {
		if got := rootfs.Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestCompareDoesNotAllocate(t *testing.T) {
	a, b := "usr/lib/erlang/lib/kernel-9.0/ebin/a.beam", "usr/lib/erlang/lib/kernel-9.0/ebin/b.beam"
	if n := testing.AllocsPerRun(100, func() { rootfs.Compare(a, b); rootfs.Less(b, a) }); n != 0 {
		t.Errorf("Compare allocates %v times per call", n)
	}
}

func TestSortAndLookup(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tr := &rootfs.Tree{}
	seen := map[string]bool{}
	for len(tr.Entries) < 5000 {
		p := randomPath(r)
		if !seen[p] {
			seen[p] = true
			tr.Entries = append(tr.Entries, &rootfs.Entry{Path: p})
		}
	}
	tr.Sort()
	if !slices.IsSortedFunc(tr.Entries, func(a, b *rootfs.Entry) int { return splitCompare(a.Path, b.Path) }) {
		t.Fatal("Sort disagrees with the Split definition")
	}
	for p := range seen {
		if e := tr.Lookup(p); e == nil || e.Path != p {
			t.Fatalf("Lookup(%q) = %v", p, e)
		}
	}
	if tr.Lookup("not there") != nil {
		t.Error("Lookup found a path that is not in the tree")
	}
}

func BenchmarkSort(b *testing.B) {
	var paths []string
	for i := range 60000 {
		paths = append(paths, fmt.Sprintf("usr/lib/erlang/lib/app%d-1.0/ebin/mod%d.beam", i%300, i))
	}
	tr := &rootfs.Tree{Entries: make([]*rootfs.Entry, len(paths))}
	b.ReportAllocs()
	for b.Loop() {
		r := rand.New(rand.NewPCG(5, 6))
		for i, j := range r.Perm(len(paths)) {
			tr.Entries[i] = &rootfs.Entry{Path: paths[j]}
		}
		tr.Sort()
	}
}
