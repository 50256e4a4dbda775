package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/interrupt"
)

// cancelOn is a stdout that cancels ctx with the signal once a line
// containing at has been printed: the user pressing Ctrl-C then.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	at     string
	sig    syscall.Signal
	cancel context.CancelCauseFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.at != "" && strings.Contains(w.buf.String(), w.at) {
		w.cancel(&interrupt.Signal{Sig: w.sig})
		w.at = ""
	}
	return len(p), nil
}

// runInterrupted runs the CLI and interrupts it with sig once at is
// printed, on stdout or stderr.
func runInterrupted(t *testing.T, env map[string]string, at string, sig syscall.Signal, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	out := &cancelOn{at: at, sig: sig, cancel: cancel}
	errOut := &cancelOn{at: at, sig: sig, cancel: cancel}
	sys := &system{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut, Env: env, Context: ctx,
		Now: func() time.Time { return time.Unix(1700000000, 0) }, Rand: bytes.NewReader(make([]byte, 64))}
	code = run(sys, append([]string{"firmwright"}, args...))
	return out.buf.String(), errOut.buf.String(), code
}

// TestInterruptedBuildLeavesNothing: Ctrl-C or SIGTERM at any stage of
// build stops it with the signal's exit status and one line, and leaves
// no output, no temporary output and no temporary folder behind.
func TestInterruptedBuildLeavesNothing(t *testing.T) {
	images, release := buildertest.Inputs(t, buildertest.System(t, "rpi4"), 1<<20)
	for _, tc := range []struct {
		at   string
		sig  syscall.Signal
		code int
	}{
		{"checked inputs", syscall.SIGINT, 130},
		{"release ", syscall.SIGTERM, 143},
		{"SquashFS", syscall.SIGINT, 130},
	} {
		t.Run(tc.at, func(t *testing.T) {
			out, tmp := t.TempDir(), t.TempDir()
			env := map[string]string{"TMPDIR": tmp, "SOURCE_DATE_EPOCH": "1700000000"}
			stdout, stderr, code := runInterrupted(t, env, tc.at, tc.sig, "build", "--system", "rpi4", "--base", images, "--release", release,
				"-o", filepath.Join(out, "app.fw"), "--image", filepath.Join(out, "app.img"))
			if !strings.Contains(stdout, tc.at) {
				t.Fatalf("the build never printed %q:\n%s", tc.at, stdout)
			}
			want := "firmwright: " + (&interrupt.Signal{Sig: tc.sig}).Error() + ": stopped; what it was writing is removed\n"
			if code != tc.code || stderr != want {
				t.Errorf("exit %d, stderr %q; want exit %d, %q", code, stderr, tc.code, want)
			}
			for _, dir := range []string{out, tmp} {
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("%s holds %v", dir, entries)
				}
			}
		})
	}
}

// TestInterruptedImageLeavesNothing: image, apply and burn to a new
// image file, interrupted once the progress line shows, leave no file.
func TestInterruptedImageLeavesNothing(t *testing.T) {
	fw := refPath(t, "ref-unsigned.fw")
	for _, args := range [][]string{{"image", fw, "-o"}, {"apply", fw, "-t", "complete", "-d"}, {"burn", fw, "-d"}} {
		out := t.TempDir()
		_, stderr, code := runInterrupted(t, map[string]string{}, "%", syscall.SIGINT, append(args, filepath.Join(out, "x.img"))...)
		if code != 130 || !strings.Contains(stderr, "%") || !strings.HasSuffix(stderr, "\nfirmwright: interrupted (SIGINT): stopped; what it was writing is removed\n") {
			t.Errorf("%v: exit %d, stderr %q", args[0], code, stderr)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%v left %v", args[0], entries)
		}
	}
}
