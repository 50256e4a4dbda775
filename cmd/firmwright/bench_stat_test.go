//go:build linux

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchRuns is one program's runs in a side-by-side benchmark. The
// machines these run on are noisy, so the reported figures are medians:
// of each program's wall times, and of the per-iteration ratios of two
// programs run alternately (see reportRatio).
type benchRuns struct {
	walls  []time.Duration
	peakKB int64
}

// run runs prog in dir under rss, after removing dir/remove (the output
// of the previous run) if it is not empty, and records its wall time
// and peak RSS.
func (r *benchRuns) run(b *testing.B, rss *rssMeter, dir, remove, prog string, args ...string) {
	b.Helper()
	if remove != "" {
		os.Remove(filepath.Join(dir, remove))
	}
	start := time.Now()
	kb, err := rss.run(dir, prog, args...)
	if err != nil {
		b.Fatalf("%s %s: %v", prog, strings.Join(args, " "), err)
	}
	r.walls = append(r.walls, time.Since(start))
	r.peakKB = max(r.peakKB, kb)
}

// report adds name-s (median wall seconds) and, when measured,
// name-peak-MB (the largest peak RSS of the runs).
func (r *benchRuns) report(b *testing.B, name string) {
	b.ReportMetric(median(r.walls, func(d time.Duration) float64 { return d.Seconds() }), name+"-s")
	if r.peakKB > 0 {
		b.ReportMetric(float64(r.peakKB)/1024, name+"-peak-MB")
	}
}

// reportRatio adds the metric name: the median over iterations of
// num's wall time over den's in the same iteration.
func reportRatio(b *testing.B, name string, num, den *benchRuns) {
	n := min(len(num.walls), len(den.walls))
	ratios := make([]float64, n)
	for i := range n {
		ratios[i] = num.walls[i].Seconds() / den.walls[i].Seconds()
	}
	b.ReportMetric(median(ratios, func(x float64) float64 { return x }), name)
}

func median[T any](xs []T, value func(T) float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	vs := make([]float64, len(xs))
	for i, x := range xs {
		vs[i] = value(x)
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}
