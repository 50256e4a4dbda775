package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/firmwright/firmwright/cmd/internal/process"
	"github.com/firmwright/firmwright/deviceinit"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/internal/interrupt"
)

// No memory limit is set: what firmwright holds at once is bounded by
// design (chunks in flight, cache segments), and the collector's default
// pacing (GOGC) keeps garbage to about the live heap. A fixed 40 MiB
// limit made large builds collect without pause once their live heap
// (200k base entries: about 150 MB) passed it, doubling their time.
// GOMEMLIMIT still sets one, read by the runtime itself.

// system is everything a command takes from the outside world, so that
// tests run the CLI in-process.
type system = cmdline.System

func main() {
	// On a device whose base has no erlinit, /sbin/init links here: run
	// as its Nerves-style init (which refuses unless it is PID 1). The
	// name decides, not the PID: in a container the CLI itself is PID 1.
	if filepath.Base(os.Args[0]) == "init" {
		os.Exit(deviceinit.Main())
	}
	sys := process.System()
	sys.Rand = rand.Reader
	os.Exit(run(sys, os.Args))
}

// run is the whole program: fwup's command line when invoked as fwup,
// else firmwright's commands. It returns the exit status.
func run(sys *system, args []string) int {
	if filepath.Base(args[0]) == "fwup" {
		sys.Prog = args[0]
		code := cmdline.Run(sys, args[1:])
		if it := interrupt.Of(sys.Ctx()); it != nil && code != 0 {
			return it.ExitStatus()
		}
		return code
	}
	sys.Prog = "fwup"
	err := newApp(sys).Run(sys.Ctx(), args)
	var code exitCode
	var usage *usageError
	switch {
	case err == nil:
		return 0
	case interrupt.Of(sys.Ctx()) != nil:
		it := interrupt.Of(sys.Ctx())
		fmt.Fprintf(sys.Stderr, "firmwright: %s: stopped; what it was writing is removed\n", it)
		return it.ExitStatus()
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &usage):
		fmt.Fprintln(sys.Stderr, usage)
		return 2
	}
	fmt.Fprintln(sys.Stderr, "firmwright:", err)
	return 1
}
