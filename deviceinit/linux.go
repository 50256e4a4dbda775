//go:build linux

package deviceinit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Main runs Run on this machine as PID 1, its messages on the standard
// error (the kernel's console). It refuses to run as any other process,
// as erlinit does: it would mount over a running system and start a
// second release. As PID 1 it does not return: if reboot(2) fails it
// keeps reaping children, since init exiting panics the kernel.
func Main() int {
	if pid := os.Getpid(); pid != 1 {
		fmt.Fprintf(os.Stderr, "deviceinit: refusing to run as pid %d: init runs as PID 1\n", pid)
		return 1
	}
	sys := newLinuxSystem()
	if err := Run(sys, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "deviceinit: %v\n", err)
	}
	for {
		_, _ = sys.Wait(time.Time{})
	}
}

// linuxSystem is System on Linux.
type linuxSystem struct {
	// signals receives every signal: PID 1 gets only the signals it
	// handles, and Go would exit on some it did not (the kernel then
	// panics). Handled signals, unlike ignored ones, are back to their
	// defaults in the programs init starts.
	signals chan os.Signal
	// console is the --ctty terminal, nil for init's own standard files.
	console *os.File
}

func newLinuxSystem() *linuxSystem {
	s := &linuxSystem{signals: make(chan os.Signal, 64)}
	signal.Notify(s.signals)
	return s
}

// stop undoes newLinuxSystem's signal handling (for tests).
func (s *linuxSystem) stop() { signal.Stop(s.signals) }

func (s *linuxSystem) Mount(source, target, fstype string, flags uintptr, data string) error {
	return unix.Mount(source, target, fstype, flags, data)
}

func (s *linuxSystem) Unmount(target string, flags int) error { return unix.Unmount(target, flags) }

func (s *linuxSystem) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }

func (s *linuxSystem) Symlink(oldname, newname string) error { return os.Symlink(oldname, newname) }

func (s *linuxSystem) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

func (s *linuxSystem) ReadHead(name string, n int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	n, err = io.ReadFull(f, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return buf[:n], err
}

func (s *linuxSystem) WriteFile(name string, data []byte, perm fs.FileMode) error {
	return os.WriteFile(name, data, perm)
}

func (s *linuxSystem) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

func (s *linuxSystem) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

func (s *linuxSystem) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }

func (s *linuxSystem) DeviceNumber(name string) (string, error) {
	var st unix.Stat_t
	if err := unix.Stat(name, &st); err != nil {
		return "", &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	dev := uint64(st.Dev)
	return fmt.Sprintf("%d:%d", unix.Major(dev), unix.Minor(dev)), nil
}

func (s *linuxSystem) Sethostname(name string) error { return unix.Sethostname([]byte(name)) }

func (s *linuxSystem) InterfaceUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

func (s *linuxSystem) SetConsole(device string) error {
	f, err := os.OpenFile(device, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return err
	}
	if s.console != nil {
		s.console.Close()
	}
	s.console = f
	return nil
}

// stdio is the standard files of the programs init starts.
func (s *linuxSystem) stdio() (*os.File, *os.File, *os.File) {
	if s.console != nil {
		return s.console, s.console, s.console
	}
	return os.Stdin, os.Stdout, os.Stderr
}

func (s *linuxSystem) StartProcess(argv, env []string, dir string) (int, error) {
	in, out, errf := s.stdio()
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   env,
		Files: []uintptr{in.Fd(), out.Fd(), errf.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true, Setctty: s.console != nil, Ctty: 0},
	}
	pid, err := syscall.ForkExec(argv[0], argv, attr)
	if err != nil && attr.Sys.Setctty {
		// A terminal that cannot be the controlling one still carries
		// the streams.
		attr.Sys.Setctty = false
		pid, err = syscall.ForkExec(argv[0], argv, attr)
	}
	return pid, err
}

func (s *linuxSystem) RunCommand(argv []string) ([]byte, int, error) {
	in, _, errf := s.stdio()
	var out bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, &out, errf
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.Bytes(), waitStatus(exit.Sys().(syscall.WaitStatus)), nil
	}
	return out.Bytes(), 0, err
}

func (s *linuxSystem) Wait(deadline time.Time) (Event, error) {
	var timeout <-chan time.Time
	if !deadline.IsZero() {
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		timeout = t.C
	}
	for {
		// A request already signalled comes before a child's exit: a
		// release that signals init and then exits means the request.
		for pending := true; pending; {
			select {
			case sig := <-s.signals:
				if sig, ok := sig.(syscall.Signal); ok {
					if _, req := requestAction(sig); req {
						return Event{Signal: sig}, nil
					}
				}
			default:
				pending = false
			}
		}
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		switch {
		case pid > 0:
			return Event{Pid: pid, Status: waitStatus(ws)}, nil
		case errors.Is(err, syscall.ECHILD) && timeout != nil:
			return Event{}, ErrNoChildren
		}
		// Sleep until a signal (SIGCHLD among them) or the deadline.
		select {
		case sig := <-s.signals:
			if sig, ok := sig.(syscall.Signal); ok {
				if _, req := requestAction(sig); req {
					return Event{Signal: sig}, nil
				}
			}
		case <-timeout:
			return Event{}, ErrTimeout
		}
	}
}

func (s *linuxSystem) PendingRequest(d time.Duration) (syscall.Signal, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case sig := <-s.signals:
			if sig, ok := sig.(syscall.Signal); ok {
				if _, req := requestAction(sig); req {
					return sig, true
				}
			}
		case <-t.C:
			return 0, false
		}
	}
}

func waitStatus(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

func (s *linuxSystem) Kill(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }

func (s *linuxSystem) Sync() { unix.Sync() }

func (s *linuxSystem) Reboot(cmd uint32, arg string) error {
	var p *byte
	if arg != "" {
		var err error
		if p, err = unix.BytePtrFromString(arg); err != nil {
			return err
		}
	}
	_, _, errno := unix.Syscall6(unix.SYS_REBOOT, unix.LINUX_REBOOT_MAGIC1, unix.LINUX_REBOOT_MAGIC2,
		uintptr(cmd), uintptr(unsafe.Pointer(p)), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

func (s *linuxSystem) Sleep(d time.Duration) { time.Sleep(d) }

func (s *linuxSystem) Now() time.Time { return time.Now() }
