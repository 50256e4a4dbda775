package interrupt

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// Signal is the cause of a context a signal cancelled.
type Signal struct{ Sig syscall.Signal }

func (e *Signal) Error() string {
	if e.Sig == syscall.SIGTERM {
		return "terminated (SIGTERM)"
	}
	return "interrupted (SIGINT)"
}

// ExitStatus is what a shell reports for a process the signal killed.
func (e *Signal) ExitStatus() int { return 128 + int(e.Sig) }

// Notify returns a context that the first SIGINT or SIGTERM cancels with
// a *Signal cause; after it, a second one ends the process, as without
// Notify.
func Notify() context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		s, _ := sig.(syscall.Signal)
		cancel(&Signal{Sig: s})
	}()
	return ctx
}

// Of is the signal that cancelled ctx, if one did.
func Of(ctx context.Context) *Signal {
	var s *Signal
	if errors.As(context.Cause(ctx), &s) {
		return s
	}
	return nil
}
