package builder

import "time"

// Stage is one finished step of a build, for progress lines.
type Stage struct {
	// What says what was done: "rootfs.img gzip, 1234 entries".
	What string
	// Took is how long it took.
	Took time.Duration
	// Size is the size of what it made, in bytes; 0 when it made no file.
	Size int64
}

// reporter times stages and hands them to the caller's callback.
type reporter struct {
	now   func() time.Time
	start time.Time
	fn    func(Stage)
}

func newReporter(now func() time.Time, fn func(Stage)) *reporter {
	if now == nil {
		// The clock is the caller's to read: without one, stages take no time.
		now = func() time.Time { return time.Time{} }
	}
	return &reporter{now: now, start: now(), fn: fn}
}

func (r *reporter) done(what string, size int64) {
	t := r.now()
	if r.fn != nil {
		r.fn(Stage{What: what, Took: t.Sub(r.start), Size: size})
	}
	r.start = t
}
