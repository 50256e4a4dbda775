package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firmwright/firmwright/internal/crafted"
	"github.com/firmwright/firmwright/internal/oracle"
)

// craftedTimeout is how long a crafted case may take (issue 14).
const craftedTimeout = 20 * time.Second

// craftedAddressSpace is the prlimit --as each case runs under.
const craftedAddressSpace = "4000000000"

// TestCraftedInputs runs every case of internal/crafted through the
// binary under an address-space limit: each ends with exit 0, or exit 1
// and a message, within the time allowed (and with the verdict the case
// wants, where it has one); never a panic, a fatal error, a signal or a
// hang. With FIRMWRIGHT_REF_FWUP it runs the real fwup on each too and
// reports, per class, how many pass with each.
func TestCraftedInputs(t *testing.T) {
	prlimit := oracle.Tool(t, "prlimit")
	ours := buildOurs(t)
	ref := os.Getenv("FIRMWRIGHT_REF_FWUP")
	cases := crafted.All()
	var mu sync.Mutex
	tally := map[int]*[4]int{} // cases, ours survived, fwup ran, fwup survived
	runAll(cases, 2, func(c crafted.Case) {
		got := runCrafted(prlimit, writeCase(t, c), ours, c.Args)
		var refRan, refOK bool
		if args := c.FwupArgs(); ref != "" && args != nil {
			refRan, refOK = true, judge(c, runCrafted(prlimit, writeCase(t, c), ref, args)) == nil
		}
		mu.Lock()
		defer mu.Unlock()
		n := tally[c.Class]
		if n == nil {
			n = new([4]int)
			tally[c.Class] = n
		}
		n[0]++
		if err := judge(c, got); err != nil {
			t.Errorf("class %d %s (firmwright %s): %v", c.Class, c.Name, strings.Join(c.Args, " "), err)
		} else {
			n[1]++
		}
		if refRan {
			n[2]++
		}
		if refOK {
			n[3]++
		}
	})
	classes := make([]int, 0, len(tally))
	for c := range tally {
		classes = append(classes, c)
	}
	sort.Ints(classes)
	for _, c := range classes {
		n := tally[c]
		line := fmt.Sprintf("class %2d: %4d cases, firmwright passes %4d", c, n[0], n[1])
		if ref != "" {
			line += fmt.Sprintf("; fwup passes %4d of the %4d it can run", n[3], n[2])
		}
		t.Log(line)
	}
}

// runAll calls f on every case, workers at a time.
func runAll(cases []crafted.Case, workers int, f func(crafted.Case)) {
	ch := make(chan crafted.Case)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				f(c)
			}
		}()
	}
	for _, c := range cases {
		ch <- c
	}
	close(ch)
	wg.Wait()
}

func writeCase(t *testing.T, c crafted.Case) string {
	dir, err := os.MkdirTemp(t.TempDir(), "case")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range c.Files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// craftedRun is how a program ended on a crafted case.
type craftedRun struct {
	exit    int // -1 when killed by a signal
	timeout bool
	output  string // stdout and stderr: fwup prints its errors on stdout
	elapsed time.Duration
}

func runCrafted(prlimit, dir, bin string, args []string) craftedRun {
	ctx, cancel := context.WithTimeout(context.Background(), craftedTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prlimit, append([]string{"--as=" + craftedAddressSpace, bin}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stderr = &out
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	r := craftedRun{output: out.String(), elapsed: time.Since(start), timeout: ctx.Err() != nil}
	r.exit = cmd.ProcessState.ExitCode()
	if err != nil && r.exit == 0 {
		r.exit = -1
	}
	return r
}

// judge says what is wrong with how a program ended on a case: a crash,
// or the wrong verdict where the case has one.
func judge(c crafted.Case, r craftedRun) error {
	switch {
	case !r.survived():
		return fmt.Errorf("%s", r)
	case c.Want == crafted.Fails && r.exit != 1, c.Want == crafted.Applies && r.exit != 0:
		return fmt.Errorf("want %s: %s", c.Want, r)
	}
	return nil
}

// survived is exit 0, or exit 1 with a message, in time, and no Go
// runtime crash on stderr.
func (r craftedRun) survived() bool {
	crashed := strings.Contains(r.output, "panic:") || strings.Contains(r.output, "fatal error:") ||
		strings.Contains(r.output, "goroutine ")
	return !r.timeout && !crashed && (r.exit == 0 || r.exit == 1 && strings.TrimSpace(r.output) != "")
}

func (r craftedRun) String() string {
	msg := r.output
	if len(msg) > 600 {
		msg = msg[:600] + "…"
	}
	return fmt.Sprintf("exit %d after %v (timed out: %v): %s", r.exit, r.elapsed.Round(time.Millisecond), r.timeout, msg)
}
