package deviceinit

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestFindRelease(t *testing.T) {
	const v = "/srv/erlang/releases/0.1.0/"
	nerves := &Release{Root: "/srv/erlang", Version: "0.1.0", ERTS: "/srv/erlang/erts-13.1.5",
		Boot: v + "start", SysConfig: v + "sys", VMArgs: v + "vm.args"}
	// change returns the release() files less drop, plus add.
	change := func(drop []string, add ...string) map[string]string {
		files := release()
		for _, d := range drop {
			delete(files, d)
		}
		return with(files, add...)
	}
	edit := func(f func(r *Release)) *Release {
		r := *nerves
		f(&r)
		return &r
	}
	tests := []struct {
		name    string
		files   map[string]string
		path    string
		boot    string
		want    *Release
		wantErr string
		wantLog string
	}{{
		name:  "Nerves layout",
		files: release(),
		want:  nerves,
	}, {
		name:  "no sys.config nor vm.args",
		files: change([]string{v + "sys.config", v + "vm.args"}),
		want:  edit(func(r *Release) { r.SysConfig, r.VMArgs = "", "" }),
	}, {
		name: "ERTS of the base's Erlang",
		files: change([]string{"/srv/erlang/erts-13.1.5/bin/erlexec"},
			"/usr/lib/erlang/erts-13.1.5/bin/erlexec", ""),
		want: edit(func(r *Release) { r.ERTS = "/usr/lib/erlang/erts-13.1.5" }),
	}, {
		name: "the ERTS start_erl.data names is missing: the only one",
		files: change([]string{"/srv/erlang/erts-13.1.5/bin/erlexec"},
			"/usr/lib/erlang/erts-14.0/bin/erlexec", ""),
		want: edit(func(r *Release) { r.ERTS = "/usr/lib/erlang/erts-14.0" }),
	}, {
		name: "no start_erl.data: the last version",
		files: change([]string{"/srv/erlang/releases/start_erl.data"},
			"/srv/erlang/releases/0.0.9/start.boot", "", "/srv/erlang/releases/COOKIE", "x"),
		want: nerves,
	}, {
		name:    "start_erl.data names a missing version",
		files:   change(nil, "/srv/erlang/releases/start_erl.data", "13.1.5 0.2.0"),
		want:    nerves,
		wantLog: "deviceinit: /srv/erlang/releases/start_erl.data names release 0.2.0, but /srv/erlang/releases/0.2.0 is not a directory\n",
	}, {
		name: "release in a subdirectory",
		files: map[string]string{
			"/srv/erlang/demo/releases/start_erl.data":   "13.1.5 1.0.0",
			"/srv/erlang/demo/releases/1.0.0/start.boot": "",
			"/srv/erlang/demo/erts-13.1.5/bin/erlexec":   "",
		},
		want: &Release{Root: "/srv/erlang/demo", Version: "1.0.0", ERTS: "/srv/erlang/demo/erts-13.1.5",
			Boot: "/srv/erlang/demo/releases/1.0.0/start"},
	}, {
		name:  "a list of release paths",
		files: release(),
		path:  "/opt/none:/srv/erlang",
		want:  nerves,
	}, {
		name:  "--boot shoehorn",
		files: change(nil, v+"shoehorn.boot", ""),
		boot:  "shoehorn",
		want:  edit(func(r *Release) { r.Boot = v + "shoehorn" }),
	}, {
		name:  "--boot with .boot, absolute",
		files: change(nil, "/opt/my.boot", ""),
		boot:  "/opt/my.boot",
		want:  edit(func(r *Release) { r.Boot = "/opt/my" }),
	}, {
		name:    "--boot missing: start",
		files:   release(),
		boot:    "shoehorn",
		want:    nerves,
		wantLog: "deviceinit: boot script /srv/erlang/releases/0.1.0/shoehorn.boot not found: looking for another\n",
	}, {
		name:  "no start.boot: the only other",
		files: change([]string{v + "start.boot"}, v+"demo.boot", ""),
		want:  edit(func(r *Release) { r.Boot = v + "demo" }),
	}, {
		name:    "no start.boot: the first of several",
		files:   change([]string{v + "start.boot"}, v+"start_clean.boot", "", v+"demo.boot", ""),
		want:    edit(func(r *Release) { r.Boot = v + "demo" }),
		wantLog: "deviceinit: /srv/erlang/releases/0.1.0 has no start.boot but demo.boot, start_clean.boot: using demo.boot\n",
	}, {
		name:    "no release",
		files:   map[string]string{"/srv/erlang/lib/": ""},
		wantErr: "no release in /srv/erlang (expected /srv/erlang/releases/<version>)",
	}, {
		name:    "erlexec missing",
		files:   change([]string{"/srv/erlang/erts-13.1.5/bin/erlexec"}, "/srv/erlang/erts-13.1.5/lib/", ""),
		wantErr: "/srv/erlang/erts-13.1.5/bin/erlexec is missing: the release's ERTS is incomplete",
	}, {
		name:    "no ERTS",
		files:   change([]string{"/srv/erlang/erts-13.1.5/bin/erlexec"}),
		wantErr: "no ERTS: neither /srv/erlang/erts-13.1.5 nor /usr/lib/erlang/erts-13.1.5 exists",
	}, {
		name: "several ERTS, none named",
		files: change([]string{"/srv/erlang/releases/start_erl.data"},
			"/srv/erlang/erts-12.0/bin/erlexec", ""),
		wantErr: "several ERTS in /srv/erlang (erts-12.0, erts-13.1.5) and no start_erl.data naming one",
	}, {
		name:    "no boot script",
		files:   change([]string{v + "start.boot"}),
		wantErr: "no boot script (*.boot) in /srv/erlang/releases/0.1.0",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				tt.path = DefaultReleasePath
			}
			var log bytes.Buffer
			got, err := FindRelease(newFake(tt.files), &log, tt.path, tt.boot)
			switch {
			case tt.wantErr != "":
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error %v, want %s", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case *got != *tt.want:
				t.Errorf("got  %+v\nwant %+v", *got, *tt.want)
			}
			if log.String() != tt.wantLog {
				t.Errorf("log %q, want %q", log.String(), tt.wantLog)
			}
		})
	}
}

func TestCommand(t *testing.T) {
	r := &Release{Root: "/srv/erlang", Version: "0.1.0", ERTS: "/srv/erlang/erts-13.1.5",
		Boot: "/srv/erlang/releases/0.1.0/start", SysConfig: "/srv/erlang/releases/0.1.0/sys", VMArgs: "/srv/erlang/releases/0.1.0/vm.args"}
	env := []string{"HOME=/root", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm-256color",
		"ROOTDIR=/srv/erlang", "BINDIR=/srv/erlang/erts-13.1.5/bin", "EMU=beam", "PROGNAME=erlexec",
		"RELEASE_ROOT=/srv/erlang", "RELEASE_VSN=0.1.0", "RELEASE_TMP=/tmp"}
	tests := []struct {
		name              string
		sys, vmArgs       bool
		extra             []string
		wantArgv, wantEnv []string
	}{{
		name: "everything", sys: true, vmArgs: true,
		wantArgv: []string{"/srv/erlang/erts-13.1.5/bin/erlexec", "-boot", "/srv/erlang/releases/0.1.0/start",
			"-boot_var", "RELEASE_LIB", "/srv/erlang/lib",
			"-config", "/srv/erlang/releases/0.1.0/sys", "-args_file", "/srv/erlang/releases/0.1.0/vm.args"},
		wantEnv: append(slices.Clone(env), "RELEASE_SYS_CONFIG=/srv/erlang/releases/0.1.0/sys"),
	}, {
		name:  "no sys.config nor vm.args; -e variables",
		extra: []string{"HOME=/data", "MIX_TARGET=rpi4", "TERM=vt100"},
		wantArgv: []string{"/srv/erlang/erts-13.1.5/bin/erlexec", "-boot", "/srv/erlang/releases/0.1.0/start",
			"-boot_var", "RELEASE_LIB", "/srv/erlang/lib"},
		wantEnv: append([]string{"HOME=/data", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=vt100"},
			append(slices.Clone(env[3:]), "MIX_TARGET=rpi4")...),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := *r
			if !tt.sys {
				r.SysConfig = ""
			}
			if !tt.vmArgs {
				r.VMArgs = ""
			}
			argv, env := r.Command(tt.extra)
			if !slices.Equal(argv, tt.wantArgv) {
				t.Errorf("argv %s\nwant %s", strings.Join(argv, " "), strings.Join(tt.wantArgv, " "))
			}
			if !slices.Equal(env, tt.wantEnv) {
				t.Errorf("env %q\nwant %q", env, tt.wantEnv)
			}
		})
	}
}
