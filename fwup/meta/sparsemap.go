package meta

import (
	"fmt"
	"strconv"

	"github.com/firmwright/firmwright/fwup/conf"
)

// SparseMap is fwup's run list for a resource: alternating data and hole
// lengths in bytes, starting with data (0 when the file starts with a hole).
// A plain file is a single data run.
type SparseMap []int64

// DataSize is the number of bytes stored in the archive.
func (m SparseMap) DataSize() int64 {
	var n int64
	for i := 0; i < len(m); i += 2 {
		n += m[i]
	}
	return n
}

// TotalSize is the resource's length with its holes.
func (m SparseMap) TotalSize() int64 {
	var n int64
	for _, r := range m {
		n += r
	}
	return n
}

// AppendRun adds a data (hole=false) or hole run, merging with the last run
// of the same kind.
func (m SparseMap) AppendRun(hole bool, n int64) SparseMap {
	if n == 0 {
		return m
	}
	if len(m) == 0 {
		if hole {
			return SparseMap{0, n}
		}
		return SparseMap{n}
	}
	lastIsHole := len(m)%2 == 0
	if lastIsHole == hole {
		m[len(m)-1] += n
		return m
	}
	return append(m, n)
}

// ExactSparseRuns is how many runs fwup maps exactly (its map holds 256
// entries and stops two short); everything after them is stored as one
// data run.
const ExactSparseRuns = 254

// Limit is the map fwup records: at most 254 exact runs, the rest as one
// data run.
func (m SparseMap) Limit() SparseMap {
	if len(m) <= ExactSparseRuns+1 {
		return m
	}
	var rest int64
	for _, r := range m[ExactSparseRuns:] {
		rest += r
	}
	return append(m[:ExactSparseRuns:ExactSparseRuns], rest)
}

// Lengths returns the map as meta.conf's `length` items.
func (m SparseMap) Lengths() []string {
	if len(m) == 0 {
		return []string{"0"}
	}
	out := make([]string, len(m))
	for i, r := range m {
		out[i] = strconv.FormatInt(r, 10)
	}
	return out
}

// MapOf returns the sparse map meta.conf records for a resource.
func MapOf(sec *conf.Section) SparseMap {
	var m SparseMap
	for _, it := range sec.List("length") {
		f, _ := conf.ParseInt(it)
		m = append(m, f)
	}
	return m
}

// CheckLengths refuses a resource whose length entries are not sizes an
// archive could hold: negative, or adding up past what an int64 counts.
// Create never writes them; an archive may carry them, and every reader
// of the map (apply, -V, -l) relies on this check.
func CheckLengths(root *conf.Section) error {
	for _, sec := range root.Sections("file-resource") {
		var total int64
		for i, it := range sec.List("length") {
			n, err := conf.ParseInt(it)
			if err != nil || n < 0 || total+n < total {
				return fmt.Errorf("meta.conf: file-resource %q: length entry %d (%s) is not a size of 0 or more, or the sizes add up past 2^63",
					sec.Title, i+1, it)
			}
			total += n
		}
	}
	return nil
}
