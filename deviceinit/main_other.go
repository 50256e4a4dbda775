//go:build !linux

package deviceinit

import (
	"fmt"
	"os"
)

// Main is the init of Linux devices; elsewhere it only says so.
func Main() int {
	fmt.Fprintln(os.Stderr, "deviceinit: init runs only on Linux")
	return 1
}
