//go:build linux

package deviceinit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/firmwright/firmwright/internal/oracle"
)

// initEnv makes the test binary run Main (see TestAsPID1).
const initEnv = "DEVICEINIT_TEST_AS_INIT"

func TestMain(m *testing.M) {
	if os.Getenv(initEnv) == "1" {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

func TestMainRefusesWhenNotPID1(t *testing.T) {
	if os.Getpid() == 1 {
		t.Skip("the test runs as PID 1")
	}
	if got := Main(); got != 1 {
		t.Errorf("Main() = %d, want 1", got)
	}
}

// TestLinuxConstants checks the numbers system.go spells out (so that
// Run builds everywhere) against x/sys/unix.
func TestLinuxConstants(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"MS_RDONLY", msRdonly, unix.MS_RDONLY}, {"MS_NOSUID", msNosuid, unix.MS_NOSUID},
		{"MS_NODEV", msNodev, unix.MS_NODEV}, {"MS_NOEXEC", msNoexec, unix.MS_NOEXEC},
		{"MS_SYNCHRONOUS", msSynchronous, unix.MS_SYNCHRONOUS}, {"MS_REMOUNT", msRemount, unix.MS_REMOUNT},
		{"MS_MANDLOCK", msMandlock, unix.MS_MANDLOCK}, {"MS_DIRSYNC", msDirsync, unix.MS_DIRSYNC},
		{"MS_NOATIME", msNoatime, unix.MS_NOATIME}, {"MS_NODIRATIME", msNodiratime, unix.MS_NODIRATIME},
		{"MS_SILENT", msSilent, unix.MS_SILENT}, {"MS_RELATIME", msRelatime, unix.MS_RELATIME},
		{"MS_STRICTATIME", msStrictatime, unix.MS_STRICTATIME},
		{"RESTART", uint64(RebootRestart), unix.LINUX_REBOOT_CMD_RESTART},
		{"HALT", uint64(RebootHalt), unix.LINUX_REBOOT_CMD_HALT},
		{"POWER_OFF", uint64(RebootPowerOff), unix.LINUX_REBOOT_CMD_POWER_OFF},
		{"RESTART2", uint64(RebootRestart2), unix.LINUX_REBOOT_CMD_RESTART2},
		{"SIGUSR1", uint64(sigUSR1), uint64(unix.SIGUSR1)}, {"SIGUSR2", uint64(sigUSR2), uint64(unix.SIGUSR2)},
		{"SIGTERM", uint64(sigTERM), uint64(unix.SIGTERM)}, {"SIGKILL", uint64(sigKILL), uint64(unix.SIGKILL)},
		{"SIGPWR", uint64(sigPWR), uint64(unix.SIGPWR)},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
}

// demoApp prints a line, writes "ok HOSTNAME CWD" to $DEMO_OUT and
// $DEMO_REBOOT_PARAM to /run/reboot-param, then halts with status 7; or,
// with $DEMO_REQUEST, sends that signal to PID 1 and stops the VM, as
// Nerves.Runtime.reboot/0 and poweroff/0 do through busybox.
const demoApp = `defmodule Demo.Application do
  use Application

  @impl true
  def start(_type, _args) do
    IO.puts("demo: booted by erlexec, RELEASE_ROOT=#{System.get_env("RELEASE_ROOT")} RELEASE_VSN=#{System.get_env("RELEASE_VSN")}")
    {:ok, host} = :inet.gethostname()
    if out = System.get_env("DEMO_OUT"), do: File.write!(out, "ok #{host} #{File.cwd!()}")
    if param = System.get_env("DEMO_REBOOT_PARAM"), do: File.write!("/run/reboot-param", param <> "\n")

    case System.get_env("DEMO_REQUEST") do
      nil ->
        System.halt(7)

      sig ->
        spawn(fn ->
          System.cmd("kill", ["-" <> sig, "1"])
          :init.stop()
        end)

        Supervisor.start_link([], strategy: :one_for_one)
    end
  end
end
`

// buildDemo builds demoApp as an x86 mix release in dir and returns the
// release's directory.
func buildDemo(t *testing.T, dir string) string {
	t.Helper()
	oracle.Tool(t, "erl")
	mix, err := exec.LookPath("mix")
	if err != nil {
		oracle.SkipOrFail(t, "mix is not installed (Debian package elixir)")
	}
	menv := append(os.Environ(), "HOME="+dir, "MIX_HOME="+filepath.Join(dir, ".mix"), "MIX_ENV=prod")
	runMix := func(in string, args ...string) {
		t.Helper()
		cmd := exec.Command(mix, args...)
		cmd.Dir, cmd.Env = in, menv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mix %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	runMix(dir, "new", "demo", "--sup")
	project := filepath.Join(dir, "demo")
	if err := os.WriteFile(filepath.Join(project, "lib/demo/application.ex"), []byte(demoApp), 0o644); err != nil {
		t.Fatal(err)
	}
	runMix(project, "release")
	return filepath.Join(project, "_build/prod/rel/demo")
}

// TestRealRelease builds an x86 mix release on the host and boots it
// with FindRelease and Release.Command, as Run does on a device: once
// through os/exec to see its output, once through linuxSystem's
// StartProcess and Wait.
func TestRealRelease(t *testing.T) {
	dir := t.TempDir()
	relDir := buildDemo(t, dir)

	sys := newLinuxSystem()
	defer sys.stop()
	var log bytes.Buffer
	rel, err := FindRelease(sys, &log, relDir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rel.ERTS, relDir+"/erts-") || rel.Boot != filepath.Join(relDir, "releases/0.1.0/start") || rel.SysConfig == "" || rel.VMArgs == "" {
		t.Errorf("release %+v (log %q)", *rel, log.String())
	}
	out := filepath.Join(dir, "out")
	argv, env := rel.Command([]string{"DEMO_OUT=" + out})
	t.Logf("command: %s", strings.Join(argv, " "))
	t.Logf("environment: %s", strings.Join(env, " "))
	want := "demo: booted by erlexec, RELEASE_ROOT=" + relDir + " RELEASE_VSN=0.1.0\n"

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	output, err := cmd.CombinedOutput()
	t.Logf("output: %s", output)
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 7 {
		t.Errorf("the release ended with %v, want exit status 7", err)
	}
	if !strings.Contains(string(output), want) {
		t.Errorf("output lacks %q", want)
	}

	os.Remove(out)
	pid, err := sys.StartProcess(argv, env, dir)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ev, err := sys.Wait(deadline)
		if err != nil {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("waiting for the release: %v", err)
		}
		if ev.Pid == pid {
			if ev.Status != 7 {
				t.Errorf("Wait: status %d, want 7", ev.Status)
			}
			break
		}
	}
	host, _ := os.Hostname()
	if data, err := os.ReadFile(out); err != nil || string(data) != "ok "+host+" "+dir {
		t.Errorf("the release started by StartProcess wrote %q, %v", data, err)
	}
}

// asPID1Script runs as root in new PID, mount, UTS and network
// namespaces: it makes $ROOT a root filesystem (the host's /usr read-only,
// the release at /srv/erlang, /out writable, a private tmpfs as /dev with
// null, zero and urandom, so that nothing is made in the kernel's
// devtmpfs) and starts the test binary,
// copied to $ROOT/init, in it as PID 1.
const asPID1Script = `set -e
for d in usr srv/erlang out dev etc; do mkdir -p "$ROOT/$d"; done
for l in bin sbin lib lib64; do ln -s usr/$l "$ROOT/$l"; done
mount --bind /usr "$ROOT/usr"
mount -o remount,bind,ro "$ROOT/usr"
mount --bind "$RELEASE" "$ROOT/srv/erlang"
mount -o remount,bind,ro "$ROOT/srv/erlang"
mount --bind "$OUT" "$ROOT/out"
mount -t tmpfs -o size=1m tmpfs "$ROOT/dev"
mknod -m 666 "$ROOT/dev/null" c 1 3
mknod -m 666 "$ROOT/dev/zero" c 1 5
mknod -m 666 "$ROOT/dev/urandom" c 1 9
exec chroot "$ROOT" /init
`

// TestAsPID1 runs Main as PID 1 of a PID namespace, chrooted into a
// root filesystem holding the demo release and an erlinit.config: it
// mounts, sets the hostname (from a --uniqueid-exec), starts the release and reaps it, stops
// everything and calls reboot(2), which in a PID namespace kills init
// with SIGHUP (RESTART, RESTART2) or SIGINT (POWER_OFF, HALT) instead of
// rebooting the machine.
func TestAsPID1(t *testing.T) {
	oracle.Root(t, "running init in namespaces")
	unshare := oracle.Tool(t, "unshare")
	if out, err := exec.Command(unshare, "--pid", "--fork", "--mount", "--uts", "--net", "true").CombinedOutput(); err != nil {
		oracle.SkipOrFail(t, "unshare cannot make namespaces here: %v %s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	relDir := buildDemo(t, t.TempDir())
	tests := []struct {
		name    string
		env     string
		want    syscall.Signal
		wantLog []string
	}{{
		name: "the release halts after an update",
		env:  "DEMO_REBOOT_PARAM=0 tryboot",
		want: syscall.SIGHUP,
		wantLog: []string{"deviceinit: release exited with status 7\n",
			`deviceinit: rebooting with "0 tryboot"` + "\n"},
	}, {
		name:    "poweroff requested",
		env:     "DEMO_REQUEST=USR2",
		want:    syscall.SIGINT,
		wantLog: []string{"deviceinit: release exited with status 0\ndeviceinit: powering off\n"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			root, out := filepath.Join(dir, "root"), filepath.Join(dir, "out")
			config := "-m tmpfs:/root:tmpfs:nodev,nosuid:size=1m\n--hostname-pattern PID1-%-.4s\n--uniqueid-exec \"echo SERIAL-XY12\"\n" +
				"-e \"DEMO_OUT=/out/ok;ERL_FLAGS=-noshell;" + tt.env + "\"\n--graceful-shutdown-timeout 5000\n"
			for name, data := range map[string][]byte{"init": bin, "etc/erlinit.config": []byte(config), "out/": nil} {
				p := filepath.Join(root, name)
				if strings.HasSuffix(name, "/") {
					p = out
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if data != nil {
					if err := os.WriteFile(p, data, 0o755); err != nil {
						t.Fatal(err)
					}
				} else if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, unshare, "--pid", "--fork", "--kill-child", "--mount", "--propagation", "private",
				"--uts", "--net", "sh", "-c", asPID1Script)
			cmd.Env = append(os.Environ(), "ROOT="+root, "RELEASE="+relDir, "OUT="+out, initEnv+"=1")
			output, _ := cmd.CombinedOutput()
			t.Logf("output:\n%s", output)
			ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != tt.want {
				t.Errorf("init ended with %v, want killed by %v (reboot(2) in a PID namespace)", cmd.ProcessState, tt.want)
			}
			for _, want := range append([]string{"demo: booted by erlexec, RELEASE_ROOT=/srv/erlang RELEASE_VSN=0.1.0\n"}, tt.wantLog...) {
				if !strings.Contains(string(output), want) {
					t.Errorf("output lacks %q", want)
				}
			}
			if strings.Contains(string(output), "cannot") {
				t.Errorf("init reported a failure")
			}
			if data, err := os.ReadFile(filepath.Join(out, "ok")); err != nil || string(data) != "ok pid1-xy12 /root" {
				t.Errorf("the release wrote %q, %v", data, err)
			}
		})
	}
}
