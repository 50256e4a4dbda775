package cmdline

import (
	"errors"
	"io"
	"os"
	"os/exec"

	"github.com/firmwright/firmwright/fwup/mmc"
)

// Machine is the real machine an apply runs on, for the requirements and
// actions that look past the target (all but reboot_param need --unsafe).
type Machine struct{}

func (Machine) PathOnDevice(path, device string) bool {
	return mmc.Host().IsPathOnDevice(path, device)
}

func (Machine) PathAtOffset(path string, blockOffset int64) bool {
	return mmc.Host().IsPathAtDeviceOffset(path, blockOffset)
}

// Run is C's system(): sh -c, and the raw wait status back (exit code
// times 256), which is what fwup prints.
func (Machine) Run(command string) (int, error) {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code := exit.ExitCode()
		if code < 0 { // killed by a signal
			code = 255
		}
		return code << 8, nil
	}
	if err != nil {
		return -1, err
	}
	return 0, nil
}

func (Machine) Pipe(command string, r io.Reader) error {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r, os.Stdout, os.Stderr
	return cmd.Run()
}

// WriteFile is fopen(path, "w").
func (Machine) WriteFile(path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
}
