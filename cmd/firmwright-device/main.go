// Command firmwright-device is what firmwright installs on a device whose
// base has no erlinit or fwup: the Nerves-style init (when invoked as
// init) and fwup's command line without its writer side (under any other
// name, as /usr/bin/fwup). It is firmwright's apply engine alone, deltas
// included, so that it fits a small image; cmd/firmwright is the whole
// tool.
package main

import (
	"os"
	"path/filepath"

	"github.com/firmwright/firmwright/cmd/internal/process"
	"github.com/firmwright/firmwright/deviceinit"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/internal/interrupt"
)

func main() {
	if filepath.Base(os.Args[0]) == "init" {
		os.Exit(deviceinit.Main())
	}
	sys := process.System()
	sys.Prog = os.Args[0]
	code := cmdline.RunDevice(sys, os.Args[1:])
	if it := interrupt.Of(sys.Ctx()); it != nil && code != 0 {
		code = it.ExitStatus()
	}
	os.Exit(code)
}
