package interrupt

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestNotify: a real SIGINT cancels the context with its cause.
func TestNotify(t *testing.T) {
	ctx := Notify()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the context")
	}
	if it := Of(ctx); it == nil || it.ExitStatus() != 130 {
		t.Errorf("cause %v", context.Cause(ctx))
	}
}
