package deviceinit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// fakeSys is a System over an in-memory file tree that records its side
// effects as lines ("mount proc /proc proc nosuid,nodev,noexec").
type fakeSys struct {
	files fstest.MapFS
	calls []string
	// mountErrs are the results of successive mounts at a target.
	mountErrs map[string][]error
	// cmds are the programs RunCommand knows, by path.
	cmds map[string]fakeCmd
	// events are what Wait returns, in turn; once they run out Wait
	// reports ErrNoChildren with a deadline and ends the run without.
	events   []fakeEvent
	rootDev  string
	startErr error
	nextPid  int
	// env is the environment of the last process started.
	env []string
	// netErr is what ConfigureInterface returns.
	netErr error
}

type fakeCmd struct {
	out    string
	status int
}

type fakeEvent struct {
	ev  Event
	err error
}

// errHung ends a run whose init would wait forever.
var errHung = errors.New("init waits forever")

func newFake(files map[string]string) *fakeSys {
	f := &fakeSys{files: fstest.MapFS{}, mountErrs: map[string][]error{}, cmds: map[string]fakeCmd{}, nextPid: 100}
	for name, data := range files {
		if strings.HasSuffix(name, "/") {
			f.files[rel(name)] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
		} else {
			f.files[rel(name)] = &fstest.MapFile{Data: []byte(data), Mode: 0o755}
		}
	}
	return f
}

// rel is name in the MapFS.
func rel(name string) string {
	if name = strings.Trim(path.Clean(name), "/"); name == "" {
		return "."
	}
	return name
}

func (f *fakeSys) record(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeSys) Mount(source, target, fstype string, flags uintptr, data string) error {
	f.record("mount %s %s %s %s %q", source, target, fstype, flagNames(flags), data)
	errs := f.mountErrs[target]
	if len(errs) == 0 {
		return nil
	}
	f.mountErrs[target] = errs[1:]
	return errs[0]
}

func (f *fakeSys) Unmount(target string, flags int) error {
	f.record("umount %s", target)
	return nil
}

func (f *fakeSys) MkdirAll(p string, perm fs.FileMode) error {
	f.record("mkdir %s", p)
	f.files[rel(p)] = &fstest.MapFile{Mode: fs.ModeDir | perm}
	return nil
}

func (f *fakeSys) Symlink(oldname, newname string) error {
	f.record("symlink %s -> %s", newname, oldname)
	f.files[rel(newname)] = &fstest.MapFile{Mode: fs.ModeSymlink}
	return nil
}

func (f *fakeSys) ReadFile(name string) ([]byte, error) { return fs.ReadFile(f.files, rel(name)) }

func (f *fakeSys) ReadHead(name string, n int) ([]byte, error) {
	data, err := f.ReadFile(name)
	return data[:min(n, len(data))], err
}

func (f *fakeSys) WriteFile(name string, data []byte, perm fs.FileMode) error {
	f.record("write %s %q", name, data)
	return nil
}

func (f *fakeSys) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.files, rel(name)) }
func (f *fakeSys) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(f.files, rel(name)) }
func (f *fakeSys) Lstat(name string) (fs.FileInfo, error)     { return fs.Stat(f.files, rel(name)) }

func (f *fakeSys) DeviceNumber(name string) (string, error) {
	if f.rootDev == "" {
		return "", syscall.ENOENT
	}
	return f.rootDev, nil
}

func (f *fakeSys) Sethostname(name string) error {
	f.record("hostname %s", name)
	return nil
}

func (f *fakeSys) InterfaceUp(name string) error {
	f.record("up %s", name)
	return nil
}

func (f *fakeSys) ConfigureInterface(n Network) error {
	f.record("net %s", n)
	return f.netErr
}

func (f *fakeSys) SetConsole(device string) error {
	f.record("console %s", device)
	return nil
}

func (f *fakeSys) StartProcess(argv, env []string, dir string) (int, error) {
	f.record("start %s in %s", strings.Join(argv, " "), dir)
	f.env = env
	if f.startErr != nil {
		return 0, f.startErr
	}
	f.nextPid++
	return f.nextPid, nil
}

func (f *fakeSys) RunCommand(argv []string) ([]byte, int, error) {
	f.record("run %s", strings.Join(argv, " "))
	c, ok := f.cmds[argv[0]]
	if !ok {
		return nil, 0, syscall.ENOENT
	}
	return []byte(c.out), c.status, nil
}

func (f *fakeSys) Wait(deadline time.Time) (Event, error) {
	if len(f.events) == 0 {
		if deadline.IsZero() {
			panic(errHung)
		}
		return Event{}, ErrNoChildren
	}
	e := f.events[0]
	f.events = f.events[1:]
	return e.ev, e.err
}

func (f *fakeSys) PendingRequest(time.Duration) (syscall.Signal, bool) { return 0, false }

func (f *fakeSys) Kill(pid int, sig syscall.Signal) error {
	f.record("kill %d %d", pid, sig)
	return nil
}

func (f *fakeSys) Sync() { f.record("sync") }

func (f *fakeSys) Reboot(cmd uint32, arg string) error {
	f.record("reboot %#x %q", cmd, arg)
	return nil
}

func (f *fakeSys) Sleep(d time.Duration) { f.record("sleep %v", d) }

// Now is the real clock: Wait deadlines in the fake are real ones.
func (f *fakeSys) Now() time.Time { return time.Now() }

// run runs Run on f and returns its log; hung reports a run that ended
// waiting forever.
func (f *fakeSys) run(t *testing.T) (log string, hung bool) {
	t.Helper()
	var b bytes.Buffer
	func() {
		defer func() {
			if p := recover(); p != nil {
				if p != errHung {
					panic(p)
				}
				hung = true
			}
		}()
		if err := Run(f, &b); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	return b.String(), hung
}

// callsWith are the recorded calls that start with one of prefixes.
func (f *fakeSys) callsWith(prefixes ...string) []string {
	var out []string
	for _, c := range f.calls {
		for _, p := range prefixes {
			if strings.HasPrefix(c, p) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func flagNames(flags uintptr) string {
	var names []string
	for _, f := range []struct {
		bit  uintptr
		name string
	}{{msRdonly, "ro"}, {msNosuid, "nosuid"}, {msNodev, "nodev"}, {msNoexec, "noexec"}, {msRemount, "remount"}, {msNoatime, "noatime"}} {
		if flags&f.bit != 0 {
			names = append(names, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		names = append(names, fmt.Sprintf("%#x", flags))
	}
	if len(names) == 0 {
		return "-"
	}
	return strings.Join(names, ",")
}

// release is the files of a Nerves release at /srv/erlang with ERTS
// 13.1.5 and version 0.1.0.
func release() map[string]string {
	return map[string]string{
		"/srv/erlang/releases/start_erl.data":     "13.1.5 0.1.0\n",
		"/srv/erlang/releases/0.1.0/start.boot":   "",
		"/srv/erlang/releases/0.1.0/sys.config":   "[].",
		"/srv/erlang/releases/0.1.0/vm.args":      "",
		"/srv/erlang/erts-13.1.5/bin/erlexec":     "",
		"/srv/erlang/lib/kernel-8.5.3/ebin/x.app": "",
	}
}

// with adds files to a set.
func with(files map[string]string, more ...string) map[string]string {
	for i := 0; i+1 < len(more); i += 2 {
		files[more[i]] = more[i+1]
	}
	return files
}
