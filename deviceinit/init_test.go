package deviceinit

import (
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/firmwright/firmwright/fwup/ubootenv"
)

// exitEvent is the release (the first process the fake starts) ending.
func exitEvent(status int) fakeEvent { return fakeEvent{ev: Event{Pid: 101, Status: status}} }

func signalEvent(sig syscall.Signal) fakeEvent { return fakeEvent{ev: Event{Signal: sig}} }

// booted is a fake device with the release, config as its
// erlinit.config, and the release exiting with status 0.
func booted(config string, more ...string) *fakeSys {
	files := with(release(), more...)
	if config != "" {
		files[ConfigPath] = config
	}
	f := newFake(files)
	f.events = []fakeEvent{exitEvent(0)}
	return f
}

func checkCalls(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func checkLog(t *testing.T, log string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(log, w) {
			t.Errorf("log lacks %q:\n%s", w, log)
		}
	}
}

func TestMountSequence(t *testing.T) {
	tests := []struct {
		name      string
		files     []string
		mountErrs map[string][]error
		want      []string
		wantLog   []string
	}{{
		name:      "fresh, the kernel mounted /dev",
		mountErrs: map[string][]error{"/dev": {syscall.EBUSY}},
		want: []string{
			"mkdir /proc", `mount proc /proc proc nosuid,nodev,noexec ""`,
			"mkdir /sys", `mount sysfs /sys sysfs nosuid,nodev,noexec ""`,
			"mkdir /dev", `mount devtmpfs /dev devtmpfs nosuid,noexec ""`,
			"mkdir /dev/pts", `mount devpts /dev/pts devpts nosuid,noexec "gid=5,mode=620"`,
			"mkdir /dev/shm", `mount tmpfs /dev/shm tmpfs nosuid,nodev "mode=1777"`,
			"mkdir /tmp", `mount tmpfs /tmp tmpfs nosuid,nodev,noexec "mode=1777,size=10%"`,
			"mkdir /run", `mount tmpfs /run tmpfs nosuid,nodev,noexec "mode=0755,size=5%"`,
		},
	}, {
		name: "mounted already: skipped",
		files: []string{"/proc/self/", "", "/sys/", "", "/dev/pts/", "", "/tmp/", "", "/run/", "",
			"/proc/mounts", "proc /proc proc rw 0 0\nsysfs /sys sysfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n"},
		want: []string{
			`mount devpts /dev/pts devpts nosuid,noexec "gid=5,mode=620"`,
			"mkdir /dev/shm", `mount tmpfs /dev/shm tmpfs nosuid,nodev "mode=1777"`,
			`mount tmpfs /tmp tmpfs nosuid,nodev,noexec "mode=1777,size=10%"`,
			`mount tmpfs /run tmpfs nosuid,nodev,noexec "mode=0755,size=5%"`,
		},
	}, {
		name:      "a failure is logged and the boot goes on",
		files:     []string{"/proc/self/", "", "/sys/", "", "/dev/pts/", "", "/dev/shm/", "", "/tmp/", "", "/run/", ""},
		mountErrs: map[string][]error{"/dev/pts": {syscall.ENODEV}, "/dev": {syscall.EBUSY}},
		want: []string{
			`mount sysfs /sys sysfs nosuid,nodev,noexec ""`,
			`mount devtmpfs /dev devtmpfs nosuid,noexec ""`,
			`mount devpts /dev/pts devpts nosuid,noexec "gid=5,mode=620"`,
			`mount tmpfs /dev/shm tmpfs nosuid,nodev "mode=1777"`,
			`mount tmpfs /tmp tmpfs nosuid,nodev,noexec "mode=1777,size=10%"`,
			`mount tmpfs /run tmpfs nosuid,nodev,noexec "mode=0755,size=5%"`,
		},
		wantLog: []string{"deviceinit: cannot mount devpts at /dev/pts (devpts): no such device\n", "release exited with status 0"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := booted("", tt.files...)
			f.mountErrs = tt.mountErrs
			log, _ := f.run(t)
			checkCalls(t, "mounts", f.callsWith("mount", "mkdir"), tt.want)
			checkLog(t, log, tt.wantLog...)
			if len(tt.wantLog) == 0 && strings.Contains(log, "cannot mount") {
				t.Errorf("log:\n%s", log)
			}
			if len(f.callsWith("start ")) != 1 {
				t.Errorf("the release did not start: %q", f.calls)
			}
		})
	}
}

func TestConfigApplied(t *testing.T) {
	config := `# a Nerves system's options, and some deviceinit ignores
--ctty ttyAMA0
-m /dev/vda3:/root:ext4:nodev:
-m "tmpfs:/sys/fs/cgroup:tmpfs:nodev,noexec,nosuid:mode=755,size=1024k;cgroup:/sys/fs/cgroup/cpu:cgroup:ro,rw,noatime:cpu"
-e "A=1;B=two words"
--env HOME=/data
--hostname-pattern nerves-%-.4s
--uniqueid-exec "boardid -b rpi -n 4"
--boot shoehorn
--limits 1024:2048
--uid 100
--limits 10:20
--core-pattern "|/bin/false"
-v
`
	f := booted(config, "/srv/erlang/releases/0.1.0/shoehorn.boot", "", "/usr/bin/boardid", "",
		"/sys/fs/cgroup/", "", "/root/", "")
	f.cmds["/usr/bin/boardid"] = fakeCmd{out: "00000000AB12CD34\n"}
	log, hung := f.run(t)
	if hung {
		t.Fatal("init hung")
	}
	mounts := f.callsWith("mount", "mkdir")
	run := slices.IndexFunc(mounts, func(c string) bool { return strings.HasPrefix(c, "mount tmpfs /run ") })
	checkCalls(t, "configured mounts", mounts[run+1:], []string{
		`mount /dev/vda3 /root ext4 nodev ""`,
		`mount tmpfs /sys/fs/cgroup tmpfs nosuid,nodev,noexec "mode=755,size=1024k"`,
		"mkdir /sys/fs/cgroup/cpu", `mount cgroup /sys/fs/cgroup/cpu cgroup noatime "cpu"`,
	})
	checkCalls(t, "set-up", f.callsWith("console", "run", "hostname", "up", "write", "start"), []string{
		"console /dev/ttyAMA0",
		"run /usr/bin/boardid -b rpi -n 4",
		"hostname nerves-cd34",
		"up lo",
		`write /proc/sys/kernel/core_pattern "|/bin/false"`,
		"start /srv/erlang/erts-13.1.5/bin/erlexec -boot /srv/erlang/releases/0.1.0/shoehorn -boot_var RELEASE_LIB /srv/erlang/lib " +
			"-config /srv/erlang/releases/0.1.0/sys -args_file /srv/erlang/releases/0.1.0/vm.args in /root",
	})
	for _, kv := range []string{"HOME=/data", "A=1", "B=two words"} {
		if !slices.Contains(f.env, kv) {
			t.Errorf("env lacks %s: %q", kv, f.env)
		}
	}
	if slices.Contains(f.env, "HOME=/root") {
		t.Errorf("-e HOME did not replace HOME: %q", f.env)
	}
	checkCalls(t, "unmounts", f.callsWith("umount"), []string{"umount /sys/fs/cgroup/cpu", "umount /sys/fs/cgroup", "umount /root"})
	checkLog(t, log, "deviceinit: /etc/erlinit.config: ignoring --limits, --uid (not implemented by deviceinit)\n",
		`deviceinit: starting ["/srv/erlang/erts-13.1.5/bin/erlexec"`)
	if strings.Count(log, "--limits") != 1 {
		t.Errorf("--limits logged more than once:\n%s", log)
	}
}

func TestAlternateExec(t *testing.T) {
	f := booted("--alternate-exec \"nbtty --tty /dev/ttyS0\"\n--working-directory /srv\n--pre-run-exec \"rngd -r /dev/hwrng\"",
		"/usr/sbin/rngd", "")
	f.run(t)
	checkCalls(t, "commands", f.callsWith("run", "start"), []string{
		"run /usr/sbin/rngd -r /dev/hwrng",
		"start /srv/erlang/erts-13.1.5/bin/nbtty --tty /dev/ttyS0 /srv/erlang/erts-13.1.5/bin/erlexec -boot /srv/erlang/releases/0.1.0/start " +
			"-boot_var RELEASE_LIB /srv/erlang/lib -config /srv/erlang/releases/0.1.0/sys -args_file /srv/erlang/releases/0.1.0/vm.args in /srv",
	})
}

func TestHostname(t *testing.T) {
	tests := []struct{ pattern, id, want string }{
		{"nerves-%-.4s", "00000000", "nerves-0000"},
		{"nerves-%s", "ABC 12", "nerves-abc"},
		{"%.2s-x", "abcdef", "ab-x"},
		{"a%.12sb", "xyz", "axyzb"},
		{"n-%-.12s", "xyz", "n-xyz"},
		{"bad%dpattern", "id", "bad"},
		{"Nerves_Q", "", "nervesq"},
		{"nerves", "x", "nerves"},
	}
	for _, tt := range tests {
		if got := hostname(tt.pattern, tt.id); got != tt.want {
			t.Errorf("hostname(%q, %q) = %q, want %q", tt.pattern, tt.id, got, tt.want)
		}
	}
	for _, tt := range []struct{ config, file, want string }{
		{"--hostname-pattern nerves-%-.4s", "", "hostname nerves-0000"},
		{"", "mybox \nsecond\n", "hostname mybox"},
	} {
		var more []string
		if tt.file != "" {
			more = []string{"/etc/hostname", tt.file}
		}
		f := booted(tt.config, more...)
		f.run(t)
		checkCalls(t, tt.config, f.callsWith("hostname"), []string{tt.want})
	}
}

func TestExitActions(t *testing.T) {
	const appMount = "-m /dev/vda3:/root:ext4:nodev:\n"
	stop := func(reboot string) []string {
		return []string{"sync", "kill -1 15", "kill -1 9", "sync", "umount /root", "sync", reboot}
	}
	tests := []struct {
		name    string
		config  string
		files   []string
		events  []fakeEvent
		want    []string
		wantLog []string
		hung    bool
	}{{
		name:    "exit, no reboot-param",
		events:  []fakeEvent{exitEvent(0)},
		want:    stop(`reboot 0x1234567 ""`),
		wantLog: []string{"deviceinit: release exited with status 0\n"},
	}, {
		name:    "exit after an update: reboot-param",
		files:   []string{RebootParamPath, "0 tryboot\n"},
		events:  []fakeEvent{exitEvent(0)},
		want:    stop(`reboot 0xa1b2c3d4 "0 tryboot"`),
		wantLog: []string{`deviceinit: rebooting with "0 tryboot"`},
	}, {
		name:    "crash; orphans reaped meanwhile",
		events:  []fakeEvent{{ev: Event{Pid: 7}}, {ev: Event{Pid: 8, Status: 1}}, exitEvent(139)},
		want:    stop(`reboot 0x1234567 ""`),
		wantLog: []string{"release exited with status 139"},
	}, {
		name:   "reboot requested (busybox reboot), then the release stops",
		files:  []string{RebootParamPath, "0 tryboot"},
		events: []fakeEvent{signalEvent(sigTERM), {ev: Event{Pid: 55}}, signalEvent(sigUSR2), exitEvent(0)},
		want:   stop(`reboot 0xa1b2c3d4 "0 tryboot"`),
	}, {
		name:    "poweroff requested, the release does not stop",
		events:  []fakeEvent{signalEvent(sigUSR2), {err: ErrTimeout}},
		want:    stop(`reboot 0x4321fedc ""`),
		wantLog: []string{"the release did not stop within 10s"},
	}, {
		name:   "halt requested",
		config: "--graceful-shutdown-timeout 500",
		events: []fakeEvent{signalEvent(sigPWR), exitEvent(0)},
		want:   stop(`reboot 0xcdef0123 ""`),
	}, {
		name:   "--poweroff-on-exit, --run-on-exit",
		config: "--poweroff-on-exit\n--run-on-exit /bin/report",
		files:  []string{"/bin/report", ""},
		events: []fakeEvent{exitEvent(1)},
		want:   append([]string{"run /bin/report"}, stop(`reboot 0x4321fedc ""`)...),
	}, {
		name:    "--hang-on-exit",
		config:  "--hang-on-exit",
		events:  []fakeEvent{exitEvent(1), {ev: Event{Pid: 9}}},
		want:    []string{"sync"},
		wantLog: []string{"release exited with status 1", "--hang-on-exit: not rebooting"},
		hung:    true,
	}, {
		name:   "--hang-on-exit, then poweroff",
		config: "--hang-on-exit",
		events: []fakeEvent{exitEvent(1), {ev: Event{Pid: 9}}, signalEvent(sigUSR2)},
		want:   append([]string{"sync"}, stop(`reboot 0x4321fedc ""`)...),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := booted(appMount+tt.config, tt.files...)
			f.events = tt.events
			log, hung := f.run(t)
			if hung != tt.hung {
				t.Errorf("hung = %v, want %v", hung, tt.hung)
			}
			calls := f.calls[slices.IndexFunc(f.calls, func(c string) bool { return strings.HasPrefix(c, "start ") })+1:]
			checkCalls(t, "after the release", calls, tt.want)
			checkLog(t, log, tt.wantLog...)
		})
	}
}

func TestFatal(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		config   string
		startErr error
		want     []string
		wantLog  []string
	}{{
		name:    "no release",
		files:   map[string]string{"/srv/erlang/": ""},
		want:    []string{"sleep 10s", "sync", "kill -1 15", "kill -1 9", "sync", "sync", `reboot 0x1234567 ""`},
		wantLog: []string{"deviceinit: no release in /srv/erlang (expected /srv/erlang/releases/<version>)\n", "deviceinit: rebooting in 10s\n"},
	}, {
		name:     "erlexec does not start",
		files:    release(),
		startErr: syscall.ENOEXEC,
		want: []string{"start /srv/erlang/erts-13.1.5/bin/erlexec -boot /srv/erlang/releases/0.1.0/start -boot_var RELEASE_LIB /srv/erlang/lib " +
			"-config /srv/erlang/releases/0.1.0/sys -args_file /srv/erlang/releases/0.1.0/vm.args in /",
			"sleep 10s", "sync", "kill -1 15", "kill -1 9", "sync", "sync", `reboot 0x1234567 ""`},
		wantLog: []string{"deviceinit: cannot start the release in /srv/erlang: /srv/erlang/erts-13.1.5/bin/erlexec: exec format error\n"},
	}, {
		name:    "--hang-on-fatal",
		files:   map[string]string{},
		config:  "--hang-on-fatal",
		want:    []string{"sync"},
		wantLog: []string{"--hang-on-fatal: not rebooting"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.config != "" {
				tt.files[ConfigPath] = tt.config
			}
			f := newFake(tt.files)
			f.startErr = tt.startErr
			log, _ := f.run(t)
			calls := f.calls[slices.Index(f.calls, "up lo")+1:]
			checkCalls(t, "after the set-up", calls, tt.want)
			checkLog(t, log, tt.wantLog...)
		})
	}
}

func TestRootdisk(t *testing.T) {
	sysfs := []string{
		"/sys/block/loop0/dev", "7:0\n",
		"/sys/block/mmcblk0/dev", "179:0\n",
		"/sys/block/mmcblk0/size", "1000\n",
		"/sys/block/mmcblk0/queue/rotational", "0\n",
		"/sys/block/mmcblk0/mmcblk0p1/dev", "179:1\n",
		"/sys/block/mmcblk0/mmcblk0p1/partition", "1\n",
		"/sys/block/mmcblk0/mmcblk0p2/dev", "179:2\n",
		"/sys/block/mmcblk0/mmcblk0p2/partition", "2\n",
	}
	for _, tt := range []struct {
		name, root string
		more       []string
		want       []string
	}{
		{"root on mmcblk0p2", "179:2", nil, []string{
			"symlink /dev/rootdisk0 -> /dev/mmcblk0",
			"symlink /dev/rootdisk0p1 -> /dev/mmcblk0p1",
			"symlink /dev/rootdisk0p2 -> /dev/mmcblk0p2",
		}},
		{"root not on a partition", "0:17", nil, nil},
		{"links there already", "179:2", []string{"/dev/rootdisk0", ""}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := booted("", append(slices.Clone(sysfs), tt.more...)...)
			f.rootDev = tt.root
			f.run(t)
			checkCalls(t, "links", f.callsWith("symlink"), tt.want)
		})
	}
}

// TestHostnameFromSerial: without --uniqueid-exec, the ID comes from the
// serial number burning wrote to the key-value store (fw_env.config says
// where), else from the board's device tree.
func TestHostnameFromSerial(t *testing.T) {
	env := &ubootenv.Env{BlockOffset: 16, BlockCount: 16}
	env.Set("nerves_serial_number", "abc12345")
	block, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	disk := string(make([]byte, 0x2000)) + string(block)
	for _, tt := range []struct {
		name string
		more []string
		want string
	}{
		{"key-value store", []string{"/etc/fw_env.config", "/dev/mmcblk0 0x2000 0x2000 0x200 16\n", "/dev/mmcblk0", disk}, "hostname nerves-2345"},
		{"device tree", []string{"/proc/device-tree/serial-number", "0000000012ab34cd\x00"}, "hostname nerves-34cd"},
		{"unreadable store", []string{"/etc/fw_env.config", "/dev/mmcblk0 0x2000 0x2000\n", "/dev/mmcblk0", "short"}, "hostname nerves-0000"},
	} {
		f := booted("--hostname-pattern nerves-%-.4s", tt.more...)
		f.run(t)
		checkCalls(t, tt.name, f.callsWith("hostname"), []string{tt.want})
	}
}

// --firmwright-network configures the interface after lo and before the
// release; a bad value is logged, and an interface that never comes is
// retried for 5 s, logged, and the release starts anyway.
func TestNetworkOption(t *testing.T) {
	f := booted("--firmwright-network eth0,10.0.2.15/24,10.0.2.2\n")
	log, _ := f.run(t)
	checkCalls(t, "set-up", f.callsWith("up", "net", "start")[:2], []string{"up lo", "net eth0 10.0.2.15/24 via 10.0.2.2"})
	checkLog(t, log, "deviceinit: network: eth0 10.0.2.15/24 via 10.0.2.2\n")

	f = booted("--firmwright-network eth1,192.168.7.5/16\n")
	f.netErr = syscall.ENODEV
	log, _ = f.run(t)
	if n := len(f.callsWith("net")); n != 50 {
		t.Errorf("%d tries, want 50", n)
	}
	checkLog(t, log, "--firmwright-network: cannot configure eth1 192.168.7.5/16: no such device", "release exited")

	for _, bad := range []string{"eth0", "eth0,10.0.2.15", "eth0,10.0.2.15/33", "eth0,10.0.2/24", "eth0,10.-0.2.15/24", "eth0,10.+1.2.15/24", "eth0,10.0.2.256/24", "eth0,fd00::5/64", "eth0,10.0.2.15/24,fd00::1", "eth0,10.0.2.15/24,10.0.2.2,x"} {
		f = booted("--firmwright-network " + bad + "\n")
		log, _ = f.run(t)
		checkLog(t, log, "--firmwright-network \""+bad+"\"", "expected IFACE,ADDR/PREFIX[,GATEWAY]", "deviceinit: release exited")
		if len(f.callsWith("net")) != 0 {
			t.Errorf("%s: configured anyway", bad)
		}
	}
}
