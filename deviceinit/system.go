package deviceinit

import (
	"errors"
	"io/fs"
	"syscall"
	"time"
)

// System is every side effect Run has. Paths are absolute.
type System interface {
	// Mount and Unmount are mount(2) and umount2(2).
	Mount(source, target, fstype string, flags uintptr, data string) error
	Unmount(target string, flags int) error
	MkdirAll(path string, perm fs.FileMode) error
	Symlink(oldname, newname string) error
	ReadFile(name string) ([]byte, error)
	// ReadHead reads the first n bytes of a file or device, fewer if it
	// is shorter.
	ReadHead(name string, n int) ([]byte, error)
	WriteFile(name string, data []byte, perm fs.FileMode) error
	ReadDir(name string) ([]fs.DirEntry, error)
	// Stat follows symbolic links; Lstat does not.
	Stat(name string) (fs.FileInfo, error)
	Lstat(name string) (fs.FileInfo, error)
	// DeviceNumber is the "MAJOR:MINOR" of the filesystem that holds
	// name, as /sys/block/*/dev writes it.
	DeviceNumber(name string) (string, error)
	Sethostname(name string) error
	// InterfaceUp sets a network interface up ("lo": Linux gives it
	// 127.0.0.1 and ::1 itself).
	InterfaceUp(name string) error
	// ConfigureInterface sets n.Interface up with n's address and, when
	// n.Gateway is not zero, a default route through it.
	ConfigureInterface(n Network) error
	// SetConsole makes the terminal device the standard input, output and
	// error, and the controlling terminal, of the processes started
	// after it. Before it, they inherit init's own (the kernel's console).
	SetConsole(device string) error
	// StartProcess starts argv[0] (a path) in a new session with its
	// standard streams on the console, and returns its pid; Wait reports
	// its end.
	StartProcess(argv, env []string, dir string) (pid int, err error)
	// RunCommand runs argv[0] (a path) to its end, its standard error on
	// the console, and returns what it wrote to its standard output and
	// its exit status.
	RunCommand(argv []string) (stdout []byte, status int, err error)
	// Wait returns the next event: a child that ended (reaped), or a
	// shutdown request (SIGTERM, SIGUSR1, SIGUSR2, SIGPWR sent to init,
	// as busybox reboot, halt and poweroff do). It returns ErrTimeout at
	// the deadline and, when a deadline is set, ErrNoChildren once no
	// child is left; with a zero deadline it blocks until an event.
	Wait(deadline time.Time) (Event, error)
	// PendingRequest returns a shutdown request signalled to init that
	// has not been returned by Wait yet, waiting up to d for one in
	// flight; ok is false when there is none.
	PendingRequest(d time.Duration) (sig syscall.Signal, ok bool)
	// Kill is kill(2): pid -1 is every process but init.
	Kill(pid int, sig syscall.Signal) error
	Sync()
	// Reboot is reboot(2) with one of the Reboot* commands; arg is the
	// RebootRestart2 argument.
	Reboot(cmd uint32, arg string) error
	Sleep(d time.Duration)
	// Now is the clock (deadlines for the release's shutdown).
	Now() time.Time
}

// Event is what Wait returns: Pid and Status for a child that ended,
// Signal for a shutdown request.
type Event struct {
	Pid int
	// Status is the exit status, or 128+N for a child killed by signal N.
	Status int
	Signal syscall.Signal
}

// Errors of Wait.
var (
	ErrTimeout    = errors.New("deadline reached")
	ErrNoChildren = errors.New("no child process left")
)

// The reboot(2) commands (linux/reboot.h).
const (
	RebootRestart  uint32 = 0x01234567
	RebootHalt     uint32 = 0xcdef0123
	RebootPowerOff uint32 = 0x4321fedc
	RebootRestart2 uint32 = 0xa1b2c3d4
)

// Mount flags (linux/mount.h), named as mount(8) names them.
const (
	msRdonly      = 0x1
	msNosuid      = 0x2
	msNodev       = 0x4
	msNoexec      = 0x8
	msSynchronous = 0x10
	msRemount     = 0x20
	msMandlock    = 0x40
	msDirsync     = 0x80
	msNoatime     = 0x400
	msNodiratime  = 0x800
	msSilent      = 0x8000
	msRelatime    = 0x200000
	msStrictatime = 0x1000000
)

// Signals (Linux numbers) Run sends and receives.
const (
	sigUSR1 = syscall.Signal(10)
	sigUSR2 = syscall.Signal(12)
	sigTERM = syscall.Signal(15)
	sigKILL = syscall.Signal(9)
	sigPWR  = syscall.Signal(30)
)
