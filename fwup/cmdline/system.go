package cmdline

import (
	"context"
	"io"
	"time"

	"github.com/firmwright/firmwright/fwup/mmc"
)

// System is everything a run takes from the outside world, so that tests
// run fwup's command line in-process.
type System struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            map[string]string
	Now            func() time.Time
	Rand           io.Reader
	// Prog is how getopt's messages name the program (fwup's argv[0]).
	Prog string
	// Cards is the machine's memory cards; nil means the real ones.
	Cards *mmc.System
	// Context is cancelled when the user interrupts (SIGINT, SIGTERM):
	// the work stops and its temporary files are removed. nil: never.
	Context context.Context
}

// Ctx is Context, or a context that is never cancelled.
func (s *System) Ctx() context.Context {
	if s.Context == nil {
		return context.Background()
	}
	return s.Context
}

// MemoryCards returns the machine's memory cards: Cards when set (tests),
// else the real machine, whose warnings go to warn.
func (s *System) MemoryCards(warn func(msg string)) *mmc.System {
	if s.Cards != nil {
		return s.Cards
	}
	m := mmc.Host()
	m.Warn = warn
	return m
}
