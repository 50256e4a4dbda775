package deviceinit

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/firmwright/firmwright/erlang/erlinit"
)

const (
	// AppTarget is where the application partition is mounted (the -m
	// entry with this target); the base links /data to it.
	AppTarget = "/root"
	// RebootParamPath holds the argument of the next reboot ("0 tryboot"
	// after an update), as fwup's reboot-param writes it.
	RebootParamPath = "/run/reboot-param"
	// defaultUniqueID fills a hostname pattern without --uniqueid-exec,
	// or when it fails, as in erlinit.
	defaultUniqueID = "00000000"
	// fatalDelay is how long a fatal message stays on the console before
	// the reboot.
	fatalDelay = 10 * time.Second
	// termWait and killWait are how long init reaps after SIGTERM, then
	// SIGKILL, to every process.
	termWait = 2 * time.Second
	killWait = 500 * time.Millisecond
)

// binDirs is where programs are looked for, in PATH order.
var binDirs = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// pseudoMounts are mounted first, before the configuration is read.
var pseudoMounts = []mountSpec{
	{"proc", "/proc", "proc", msNosuid | msNodev | msNoexec, ""},
	{"sysfs", "/sys", "sysfs", msNosuid | msNodev | msNoexec, ""},
	{"devtmpfs", "/dev", "devtmpfs", msNosuid | msNoexec, ""},
	{"devpts", "/dev/pts", "devpts", msNosuid | msNoexec, "gid=5,mode=620"},
	{"tmpfs", "/dev/shm", "tmpfs", msNosuid | msNodev, "mode=1777"},
}

// tmpMounts are mounted before the configuration's.
var tmpMounts = []mountSpec{
	{"tmpfs", "/tmp", "tmpfs", msNosuid | msNodev | msNoexec, "mode=1777,size=10%"},
	{"tmpfs", "/run", "tmpfs", msNosuid | msNodev | msNoexec, "mode=0755,size=5%"},
}

// initRun is one boot.
type initRun struct {
	sys        System
	log        io.Writer
	cfg        config
	mounted    map[string]bool
	appMounted bool
}

// Run boots the device: it mounts the pseudo filesystems, reads
// ConfigPath, mounts its -m entries (formatting a blank application
// partition at AppTarget), links /dev/rootdisk0*, sets the hostname and
// brings up lo, starts the release (see FindRelease and Release.Command)
// and reaps every child until the release exits or init is asked to
// reboot, halt or power off (SIGTERM, SIGUSR1 or SIGPWR, SIGUSR2). Then it
// stops every process, unmounts the -m entries and reboots, with
// RebootParamPath's argument if there is one; with --hang-on-exit, a
// release that exits on its own leaves the device running until such a
// request. A problem that keeps the release from starting is logged and
// followed, 10 s later, by a reboot. Run returns only when reboot(2)
// does, or with a fake System.
func Run(sys System, log io.Writer) error {
	r := &initRun{sys: sys, log: log, cfg: defaultConfig(), mounted: map[string]bool{}}
	r.setUp()
	pid, err := r.startRelease()
	if err != nil {
		return r.fatal(err.Error())
	}
	req, status, exited := r.waitRelease(pid)
	if exited {
		r.logf("release exited with status %d", status)
	}
	act := r.cfg.onExit
	if req != 0 {
		act, _ = requestAction(req)
	} else if r.cfg.runOnExit != "" {
		r.runLine("--run-on-exit", r.cfg.runOnExit)
	}
	if act == actHang {
		r.logf("--hang-on-exit: not rebooting (reboot and poweroff still work)")
		act = r.hang()
	}
	return r.shutdown(act)
}

// setUp does everything before the release: mounts, configuration,
// console, links, hostname, loopback, --firmwright-network.
func (r *initRun) setUp() {
	r.mountPseudo()
	r.readConfig()
	r.linkRootdisk()
	if c := r.cfg.ctty; c != "" {
		if !path.IsAbs(c) {
			c = "/dev/" + c
		}
		if err := r.sys.SetConsole(c); err != nil {
			r.logf("--ctty %s: %v; the release uses the kernel's console", r.cfg.ctty, err)
		}
	}
	for _, m := range tmpMounts {
		r.mountOrLog(m)
	}
	for _, m := range r.cfg.mounts {
		if m.target == AppTarget {
			r.mountApp(m)
		} else {
			r.mountOrLog(m)
		}
	}
	r.setHostname()
	if err := r.sys.InterfaceUp("lo"); err != nil {
		r.logf("cannot bring up lo: %v", err)
	}
	r.setUpNetwork()
	if p := r.cfg.corePattern; p != "" {
		if err := r.sys.WriteFile("/proc/sys/kernel/core_pattern", []byte(p), 0o644); err != nil {
			r.logf("--core-pattern: %v", err)
		}
	}
}

// startRelease finds the release and starts it.
func (r *initRun) startRelease() (pid int, err error) {
	rel, err := FindRelease(r.sys, r.log, r.cfg.releasePath, r.cfg.boot)
	if err != nil {
		return 0, err
	}
	argv, env := rel.Command(r.cfg.env)
	if alt := strings.Fields(r.cfg.alternateExec); len(alt) > 0 {
		if !path.IsAbs(alt[0]) {
			alt[0] = path.Join(rel.ERTS, "bin", alt[0])
		}
		argv = append(alt, argv...)
	}
	dir := "/"
	switch {
	case r.cfg.workDir != "" && isDir(r.sys, r.cfg.workDir):
		dir = r.cfg.workDir
	case r.appMounted:
		dir = AppTarget
	}
	if r.cfg.verbose {
		r.logf("starting %q in %s with %q", argv, dir, env)
	}
	if r.cfg.preRunExec != "" {
		r.runLine("--pre-run-exec", r.cfg.preRunExec)
	}
	if pid, err = r.sys.StartProcess(argv, env, dir); err != nil {
		return 0, fmt.Errorf("cannot start the release in %s: %s: %w", rel.Root, argv[0], err)
	}
	return pid, nil
}

func (r *initRun) logf(format string, args ...any) {
	fmt.Fprintf(r.log, "deviceinit: "+format+"\n", args...)
}

// mountPseudo mounts /proc, /sys, /dev and what goes in /dev, skipping
// what is mounted already (the kernel may have mounted /dev).
func (r *initRun) mountPseudo() {
	if _, err := r.sys.Stat("/proc/self"); err == nil {
		r.mounted["/proc"] = true
	}
	r.mountOrLog(pseudoMounts[0])
	if data, err := r.sys.ReadFile("/proc/mounts"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 1 {
				r.mounted[f[1]] = true
			}
		}
	}
	for _, m := range pseudoMounts[1:] {
		r.mountOrLog(m)
	}
}

// mount mounts m unless its target is mounted already, making the target
// first if it is missing. EBUSY counts as mounted already.
func (r *initRun) mount(m mountSpec) error {
	if r.mounted[m.target] {
		return nil
	}
	if _, err := r.sys.Stat(m.target); err != nil {
		// A failure shows as the mount's.
		_ = r.sys.MkdirAll(m.target, 0o755)
	}
	err := r.sys.Mount(m.source, m.target, m.fstype, m.flags, m.data)
	if err == nil || errors.Is(err, syscall.EBUSY) {
		r.mounted[m.target] = true
		return nil
	}
	return err
}

func (r *initRun) mountOrLog(m mountSpec) {
	if err := r.mount(m); err != nil {
		r.logf("cannot mount %s at %s (%s): %v", m.source, m.target, m.fstype, err)
	}
}

// readConfig reads ConfigPath into r.cfg; a missing file leaves the
// defaults.
func (r *initRun) readConfig() {
	data, err := r.sys.ReadFile(ConfigPath)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.logf("%s: %v; using the defaults", ConfigPath, err)
		}
		return
	}
	opts, err := erlinit.Parse(data)
	if err != nil {
		r.logf("%s: %v; using the defaults", ConfigPath, err)
		return
	}
	var problems []string
	r.cfg, problems = parseConfig(opts)
	for _, p := range problems {
		r.logf("%s: %s", ConfigPath, p)
	}
}

// setHostname sets the hostname from --hostname-pattern (its ID from
// --uniqueid-exec, else the serial number), else from /etc/hostname.
func (r *initRun) setHostname() {
	var name string
	if r.cfg.hostnamePattern != "" {
		id := defaultUniqueID
		if s := r.serialNumber(); r.cfg.uniqueIDExec == "" && s != "" {
			id = s
		}
		if r.cfg.uniqueIDExec != "" {
			if out, ok := r.runLine("--uniqueid-exec", r.cfg.uniqueIDExec); ok && len(strings.Fields(string(out))) > 0 {
				id = strings.Fields(string(out))[0]
			} else {
				r.logf("--uniqueid-exec gave no ID: using %s", id)
			}
		}
		name = hostname(r.cfg.hostnamePattern, id)
	} else {
		name = r.readLine("/etc/hostname")
	}
	if name == "" {
		return
	}
	if err := r.sys.Sethostname(name); err != nil {
		r.logf("cannot set the hostname to %s: %v", name, err)
	}
}

// runLine runs an erlinit command option's value: words separated by
// spaces, the first a path or a program in binDirs. It logs a failure
// and returns the standard output and whether the command succeeded.
func (r *initRun) runLine(option, line string) ([]byte, bool) {
	argv := strings.Fields(line)
	if len(argv) == 0 {
		return nil, false
	}
	prog := r.findProgram(argv[0])
	if prog == "" {
		r.logf("%s: %s not found", option, argv[0])
		return nil, false
	}
	argv[0] = prog
	out, status, err := r.sys.RunCommand(argv)
	if err == nil && status == 0 {
		return out, true
	}
	r.logf("%s: %s: %s", option, line, failure(status, err))
	return out, false
}

// findProgram returns the path of a program: name itself if it has a
// slash (and exists), else the first in binDirs; "" if there is none.
func (r *initRun) findProgram(name string) string {
	if strings.Contains(name, "/") {
		if exists(r.sys, name) {
			return name
		}
		return ""
	}
	for _, d := range binDirs {
		if p := path.Join(d, name); exists(r.sys, p) {
			return p
		}
	}
	return ""
}

func failure(status int, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("exit status %d", status)
}

// requestAction is what a signal sent to init asks for, as busybox's
// reboot (SIGTERM), halt (SIGUSR1; SIGPWR from a UPS daemon) and poweroff
// (SIGUSR2) send them.
func requestAction(sig syscall.Signal) (action, bool) {
	switch sig {
	case sigTERM:
		return actReboot, true
	case sigUSR1, sigPWR:
		return actHalt, true
	case sigUSR2:
		return actPowerOff, true
	}
	return 0, false
}

// waitRelease reaps children until the release (pid) exits, or until a
// shutdown request and then the release's exit or the graceful timeout.
// It returns the request (0 for none) and the release's exit status.
func (r *initRun) waitRelease(pid int) (req syscall.Signal, status int, exited bool) {
	var deadline time.Time
	for {
		ev, err := r.sys.Wait(deadline)
		switch {
		case err != nil:
			r.logf("the release did not stop within %v of the request: stopping it", r.cfg.gracefulTimeout)
			return req, 0, false
		case ev.Pid == pid:
			if req == 0 {
				req = r.lateRequest()
			}
			return req, ev.Status, true
		case ev.Pid != 0 || req != 0:
			// An orphan reaped, or a second request.
		default:
			if _, ok := requestAction(ev.Signal); ok {
				req = ev.Signal
				deadline = r.sys.Now().Add(r.cfg.gracefulTimeout)
			}
		}
	}
}

// lateRequest looks, briefly, for a shutdown request that the release
// sent just before it exited (Nerves.Runtime.reboot signals init, then
// stops the VM): the request says what to do, not the exit.
func (r *initRun) lateRequest() syscall.Signal {
	sig, _ := r.sys.PendingRequest(200 * time.Millisecond)
	return sig
}

// hang reaps children until a shutdown request, and returns what it asks
// for.
func (r *initRun) hang() action {
	r.sys.Sync()
	for {
		ev, err := r.sys.Wait(time.Time{})
		if act, ok := requestAction(ev.Signal); err == nil && ok {
			return act
		}
	}
}

// fatal logs why the release cannot start and, after fatalDelay,
// reboots (or hangs, or powers off, as --*-on-fatal says).
func (r *initRun) fatal(msg string) error {
	r.logf("%s", msg)
	act := r.cfg.onFatal
	if act == actHang {
		r.logf("--hang-on-fatal: not rebooting (reboot and poweroff still work)")
		return r.shutdown(r.hang())
	}
	r.logf("%s in %v", act, fatalDelay)
	r.sys.Sleep(fatalDelay)
	return r.shutdown(act)
}

// shutdown stops every process, unmounts the -m entries and reboots,
// halts or powers off.
func (r *initRun) shutdown(act action) error {
	r.sys.Sync()
	r.killAll(sigTERM, termWait)
	r.killAll(sigKILL, killWait)
	r.sys.Sync()
	for i := len(r.cfg.mounts) - 1; i >= 0; i-- {
		m := r.cfg.mounts[i]
		if !r.mounted[m.target] {
			continue
		}
		if err := r.sys.Unmount(m.target, 0); err != nil {
			if err := r.sys.Mount("", m.target, "", msRemount|msRdonly, ""); err != nil {
				r.logf("cannot unmount or remount read-only %s: %v", m.target, err)
			}
		}
	}
	r.sys.Sync()
	cmd, arg := RebootRestart, ""
	switch act {
	case actHalt:
		cmd = RebootHalt
	case actPowerOff:
		cmd = RebootPowerOff
	default:
		if arg = r.readLine(RebootParamPath); arg != "" {
			cmd = RebootRestart2
		}
	}
	if arg != "" {
		r.logf("rebooting with %q", arg)
	} else {
		r.logf("%s", act)
	}
	if err := r.sys.Reboot(cmd, arg); err != nil {
		return fmt.Errorf("reboot: %w", err)
	}
	return nil
}

// killAll sends sig to every process and reaps until none is left or
// wait has passed.
func (r *initRun) killAll(sig syscall.Signal, wait time.Duration) {
	if err := r.sys.Kill(-1, sig); err != nil {
		// ESRCH: nothing else is running.
		return
	}
	deadline := r.sys.Now().Add(wait)
	for {
		if _, err := r.sys.Wait(deadline); err != nil {
			return
		}
	}
}
