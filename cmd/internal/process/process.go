// Package process is what both mains (cmd/firmwright and
// cmd/firmwright-device) take from the process they run in: its standard
// streams, environment, clock, randomness and Ctrl-C, as one
// cmdline.System. Only a main may use it: libraries take a System.
package process

import (
	"os"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/internal/interrupt"
)

// System is this process's outside world but randomness (Rand: only
// cmd/firmwright makes keys, and the device binary leaves crypto/rand
// out). Its Context ends on Ctrl-C (or SIGTERM), so native commands and
// fwup mode alike stop and remove what they were writing.
func System() *cmdline.System {
	return &cmdline.System{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Env:     Environ(),
		Now:     time.Now,
		Context: interrupt.Notify(),
	}
}

// Environ is the environment as a map.
func Environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}
