package progressline

import (
	"fmt"
	"io"
	"time"
)

// Line prints a percentage with speed and time left, on one line of W
// (stderr), for people watching; Now is the clock.
type Line struct {
	W           io.Writer
	Now         func() time.Time
	start, last time.Time
	open        bool // a line is drawn and not ended
}

// Report draws the line for an apply's progress (apply.Progress's
// callback): at most five times a second, and always at 100%, which ends
// it.
func (p *Line) Report(percent int, in, units, total int64) {
	now := p.Now()
	if p.start.IsZero() {
		p.start = now
	}
	// Five updates a second are plenty to read.
	if percent < 100 && !p.last.IsZero() && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	line := fmt.Sprintf("\r%3d%%  %6.1f MB written", percent, float64(units)/1e6)
	if secs > 0.5 && units > 0 {
		rate := float64(units) / secs
		line += fmt.Sprintf("  %5.1f MB/s", rate/1e6)
		if left := float64(total-units) / rate; total > units {
			line += fmt.Sprintf("  ETA %d:%02d", int(left)/60, int(left)%60)
		}
	}
	io.WriteString(p.W, line+"   ")
	p.open = true
	if percent == 100 {
		p.End()
	}
}

// End ends the progress line, if one is open, so that what follows
// (a message, an error) starts a line of its own.
func (p *Line) End() {
	if p.open {
		io.WriteString(p.W, "\n")
		p.open = false
	}
}
