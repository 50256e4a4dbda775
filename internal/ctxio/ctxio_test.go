package ctxio

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestStopsWithTheCause(t *testing.T) {
	stop := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(context.Background())
	var buf bytes.Buffer
	r, w := Reader(ctx, strings.NewReader("abcdef")), Writer(ctx, &buf)
	p := make([]byte, 3)
	if n, err := r.Read(p); n != 3 || err != nil {
		t.Fatalf("Read before: %d, %v", n, err)
	}
	if n, err := w.Write(p); n != 3 || err != nil {
		t.Fatalf("Write before: %d, %v", n, err)
	}
	cancel(stop)
	if _, err := r.Read(p); !errors.Is(err, stop) {
		t.Errorf("Read after: %v, want %v", err, stop)
	}
	if _, err := w.Write(p); !errors.Is(err, stop) {
		t.Errorf("Write after: %v, want %v", err, stop)
	}
	if buf.String() != "abc" {
		t.Errorf("wrote %q", buf.String())
	}
}

// TestBackgroundIsUnwrapped: a context that is never done costs nothing.
func TestBackgroundIsUnwrapped(t *testing.T) {
	var buf bytes.Buffer
	if w := Writer(context.Background(), &buf); w != &buf {
		t.Error("Writer wrapped a stream that can never be stopped")
	}
}
