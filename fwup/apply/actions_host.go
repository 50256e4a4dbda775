package apply

import (
	"fmt"
	"io"

	"github.com/firmwright/firmwright/internal/cstr"
)

// The actions here reach outside the target, so fwup allows them only
// with --unsafe (reboot_param excepted).

func (e *engine) checkUnsafe(name string) error {
	if !e.opts.Unsafe {
		return fmt.Errorf("%s requires --unsafe", name)
	}
	if e.opts.Host == nil {
		return fmt.Errorf("%s is not available here", name)
	}
	return nil
}

func (e *engine) pathWrite(argv []string) error {
	if err := e.checkUnsafe(argv[0]); err != nil {
		return err
	}
	path := argv[1]
	f, err := e.opts.Host.WriteFile(path)
	if err != nil {
		return cstr.Errorf(err, "path_write can't open '%s'", path)
	}
	wa, seekable := f.(io.WriterAt)
	write := func(p []byte, off int64) error {
		var err error
		if seekable {
			_, err = wa.WriteAt(p, off)
		} else {
			_, err = f.Write(p)
		}
		if err != nil {
			return cstr.Errorf(err, "path_write failed to write '%s'", path)
		}
		return nil
	}
	err = e.consume(argv[0], false, write, func(_, size int64) error {
		// A zero at the last offset makes the file its full length.
		return write([]byte{0}, size-1)
	})
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cstr.Errorf(cerr, "path_write failed to write '%s'", path)
	}
	return err
}

// zeroSegment is a segment of zeros, never written to.
var zeroSegment = make([]byte, SegmentSize)

func (e *engine) pipeWrite(argv []string) error {
	if err := e.checkUnsafe(argv[0]); err != nil {
		return err
	}
	command := argv[1]
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := e.opts.Host.Pipe(command, pr)
		pr.CloseWithError(io.ErrClosedPipe)
		done <- err
	}()
	var last int64
	write := func(p []byte, off int64) error {
		// Holes go down the pipe as zeros, a segment at a time: the
		// pipe hands each write over, so 512-byte writes of an 8 GiB
		// hole would take minutes.
		for last < off {
			n := min(off-last, int64(len(zeroSegment)))
			if _, err := pw.Write(zeroSegment[:n]); err != nil {
				return cstr.Errorf(err, "pipe_write failed to write '%s'", command)
			}
			last += n
		}
		if _, err := pw.Write(p); err != nil {
			return cstr.Errorf(err, "pipe_write failed to write '%s'", command)
		}
		last += int64(len(p))
		return nil
	}
	err := e.consume(argv[0], true, write, func(_, size int64) error { return write([]byte{0}, size-1) })
	pw.Close()
	if perr := <-done; perr != nil {
		return cstr.Errorf(perr, "command '%s' returned an error to pipe_write", command)
	}
	return err
}

func (e *engine) execute(argv []string) error {
	if err := e.checkUnsafe(argv[0]); err != nil {
		return err
	}
	status, err := e.opts.Host.Run(argv[1])
	if err != nil {
		return cstr.Errorf(err, "execute couldn't run '%s'", argv[1])
	}
	if status != 0 {
		return fmt.Errorf("'%s' failed with exit status %d", argv[1], status)
	}
	e.prog.add(BlockSize)
	return nil
}

func (e *engine) rebootParam(argv []string) error {
	if e.opts.Host == nil {
		return fmt.Errorf("reboot-param can't open under `/run`")
	}
	var f io.WriteCloser
	var err error
	if p := e.opts.RebootParamPath; p != "" {
		if f, err = e.opts.Host.WriteFile(p); err != nil {
			return cstr.Errorf(err, "reboot-param can't open '%s'", p)
		}
	} else {
		if f, err = e.opts.Host.WriteFile("/run/systemd/reboot-param"); err != nil {
			if f, err = e.opts.Host.WriteFile("/run/reboot-param"); err != nil {
				return cstr.Errorf(err, "reboot-param can't open under `/run`")
			}
		}
	}
	io.WriteString(f, argv[1])
	f.Close()
	e.prog.add(BlockSize)
	return nil
}
