package progressline

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	var out bytes.Buffer
	now := time.Unix(1700000000, 0)
	l := &Line{W: &out, Now: func() time.Time { return now }}
	l.Report(0, 0, 0, 100e6)
	now = now.Add(100 * time.Millisecond)
	l.Report(5, 0, 5e6, 100e6) // too soon after the last: not drawn
	now = now.Add(2 * time.Second)
	l.Report(50, 0, 50e6, 100e6)
	l.End()
	l.End() // once only
	got := out.String()
	want := "\r  0%     0.0 MB written   \r 50%    50.0 MB written   23.8 MB/s  ETA 0:02   \n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	out.Reset()
	l.Report(100, 0, 100e6, 100e6)
	l.End()
	if !strings.HasSuffix(out.String(), "   \n") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("at 100%%: %q", out.String())
	}
}
