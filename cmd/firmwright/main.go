// Command firmwright builds Nerves-style firmware. It also speaks fwup's
// command line, as `firmwright fwup ...` or when invoked under the name fwup.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/firmwright/firmwright/deviceinit"
)

// memoryLimit is the heap size the garbage collector aims to stay under.
// What firmwright holds at once is bounded by design (chunks in flight,
// cache segments); the limit keeps the collector from letting garbage
// pile up past that on machines with many cores. GOMEMLIMIT overrides it.
const memoryLimit = 40 << 20

func main() {
	// On a device whose base has no erlinit, /sbin/init links here: run
	// as its Nerves-style init (which refuses unless it is PID 1). The
	// name decides, not the PID: in a container the CLI itself is PID 1.
	if filepath.Base(os.Args[0]) == "init" {
		os.Exit(deviceinit.Main())
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
	sys := &system{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		env:    environ(),
		now:    time.Now,
		rand:   rand.Reader,
		prog:   os.Args[0],
	}
	if filepath.Base(os.Args[0]) == "fwup" {
		os.Exit(runFwup(sys, os.Args[1:]))
	}
	sys.prog = "fwup"
	if err := newApp(sys).Run(context.Background(), os.Args); err != nil {
		if code, ok := err.(exitCode); ok {
			os.Exit(int(code))
		}
		fmt.Fprintln(os.Stderr, "firmwright:", err)
		os.Exit(1)
	}
}

// environ returns the process environment as a map; the only place the
// program reads it.
func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}
