package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// interrupted is the cause of the context a SIGINT or SIGTERM cancels.
type interrupted struct{ sig syscall.Signal }

func (e *interrupted) Error() string {
	if e.sig == syscall.SIGTERM {
		return "terminated (SIGTERM)"
	}
	return "interrupted (SIGINT)"
}

// exitStatus is what a shell reports for a process the signal killed.
func (e *interrupted) exitStatus() int { return 128 + int(e.sig) }

// notifyInterrupt returns a context that the first SIGINT or SIGTERM
// cancels, so that the work stops and removes its temporary files; a
// second one ends the process at once, as without it.
func notifyInterrupt() context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		s, _ := sig.(syscall.Signal)
		cancel(&interrupted{sig: s})
	}()
	return ctx
}

// interruption is the signal that cancelled ctx, if one did.
func interruption(ctx context.Context) *interrupted {
	var it *interrupted
	if errors.As(context.Cause(ctx), &it) {
		return it
	}
	return nil
}
