package erlinit

import (
	"os"
	"strings"
	"testing"
)

// rpi4Generated is what Merge makes of nerves_system_rpi4's
// erlinit.config with no user options: Nerves' encode_config output
// (the option order of the file, long names, quoted value).
const rpi4Generated = "# Generated from rootfs_overlay/etc/erlinit.config\n\n" + rpi4Body

const overridden = "# Generated from rootfs_overlay/etc/erlinit.config\n# with overrides from the application config\n"

const rpi4Body = `--ctty tty1
--warn-unused-tty
--alternate-exec /usr/bin/nbtty
--env LANG=en_US.UTF-8;LANGUAGE=en;ERL_INETRC=/etc/erl_inetrc
--env ERL_CRASH_DUMP=/root/erl_crash.dump;ERL_CRASH_DUMP_SECONDS=5
--mount /dev/mmcblk0p7:/root:f2fs:nodev:
--mount tmpfs:/sys/fs/cgroup:tmpfs:nodev,noexec,nosuid:mode=755,size=1024k
--mount cpu:/sys/fs/cgroup/cpu:cgroup:nodev,noexec,nosuid:cpu
--release-path /srv/erlang
--uniqueid-exec /usr/bin/boardid
--hostname-pattern nerves-%-.4s
--boot shoehorn
`

func TestMergeRPi4(t *testing.T) {
	sys, err := os.ReadFile("testdata/rpi4.erlinit.config")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, want string
	}{{
		name: "no user options",
		want: rpi4Generated,
	}, {
		name: "override, accumulate, delete, add",
		user: `# user
-c ttyAMA0
--no-alternate-exec
-e FOO=bar   # inline comment
--mount=/dev/sda1:/mnt:vfat::
--hang-on-exit
--graceful-shutdown-timeout 0x3a98
-s "/usr/bin/nbtty --tty /dev/ttyGS0"
--hostname-pattern "nerves %s"
`,
		want: overridden + strings.NewReplacer(
			"--ctty tty1", "--ctty ttyAMA0",
			"--alternate-exec /usr/bin/nbtty\n", "",
			"--hostname-pattern nerves-%-.4s", `--hostname-pattern "nerves %s"`,
		).Replace(rpi4Body) + `--env FOO=bar
--mount /dev/sda1:/mnt:vfat::
--hang-on-exit
--graceful-shutdown-timeout 0x3a98
--alternate-exec "/usr/bin/nbtty --tty /dev/ttyGS0"
`,
	}, {
		name: "remove all mounts, one exit action replaces another, prefixes, unknown option",
		user: "--no-mount\n-m a:/b:c::\n--hang-on-exit\n--reboot-on-ex\n-tv\n--future-option 7\n--future-flag\n--release-path=\n",
		want: overridden + strings.NewReplacer(
			"--release-path /srv/erlang", `--release-path ""`,
			"--mount /dev/mmcblk0p7:/root:f2fs:nodev:\n", "",
			"--mount tmpfs:/sys/fs/cgroup:tmpfs:nodev,noexec,nosuid:mode=755,size=1024k\n", "",
			"--mount cpu:/sys/fs/cgroup/cpu:cgroup:nodev,noexec,nosuid:cpu\n", "",
		).Replace(rpi4Body) + `--mount a:/b:c::
--reboot-on-exit
--print-timing
--verbose
--future-option 7
--future-flag
`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge(sys, []byte(tc.user))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			// What we write reads back to the same options.
			again, err := Merge(got, nil)
			if err != nil {
				t.Fatal(err)
			}
			body := func(s string) string { return s[strings.Index(s, "\n--")+1:] }
			if body(string(again)) != body(tc.want) {
				t.Errorf("does not read back:\n%s", again)
			}
		})
	}
}

func TestMergeErrors(t *testing.T) {
	long := "--ctty " + strings.Repeat("x", 250)
	tests := []struct {
		name, sys, user, want string
	}{
		{"positional", "-c tty1 tty2\n", "", `system erlinit.config: line 1: unexpected argument "tty2" (quote a value that holds spaces)`},
		{"unquoted spaces", "", "\n-s /usr/bin/dtach -N /tmp/iex_prompt\n", "user erlinit options: line 2: erlinit has no option -N"},
		{"unknown short", "-x 1\n", "", "system erlinit.config: line 1: erlinit has no option -x"},
		{"missing value", "", "--ctty", "user erlinit options: line 1: --ctty needs a value"},
		{"missing short value", "", "-m", "user erlinit options: line 1: -m needs a value"},
		{"bad integer", "", "--uid 1e3", `user erlinit options: line 1: --uid "1e3" is not an integer`},
		{"flag with value", "", "--verbose=yes", "user erlinit options: line 1: --verbose takes no value"},
		{"ambiguous", "", "--hang 1", "user erlinit options: line 1: --hang is ambiguous: --hang-on-exit, --hang-on-fatal"},
		{"long line in", long + "\n", "", "system erlinit.config: line 1: 257 bytes, longer than the 255 erlinit reads"},
		{"long line out", "", "-c" + strings.Repeat("y", 252), "--ctty: the line would be 259 bytes, longer than the 255 erlinit reads"},
		{"unquotable", "", `--ctty="abc`, `--ctty: value "\"abc" needs quoting but holds a double quote, which erlinit cannot read inside quotes`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge([]byte(tc.sys), []byte(tc.user))
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestSplitErlinitLine(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`-c tty1      # HDMI output`, []string{"-c", "tty1"}},
		{`  -s "/usr/bin/nbtty --tty x"  -v`, []string{"-s", "/usr/bin/nbtty --tty x", "-v"}},
		{`-c a#b`, []string{"-c", "a"}},
		{`-e "unterminated`, []string{"-e", "unterminated"}},
		{`#-v`, nil},
		{"\t-v\t", []string{"-v"}},
	}
	for _, tc := range tests {
		got := splitErlinitLine(tc.line)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("%q: got %q, want %q", tc.line, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(rpi4Generated))
	f.Add([]byte("-c tty1 -tv --env=\"a b\" # x\n--no-mount\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts, err := Parse(data)
		if err != nil {
			return
		}
		out, err := Merge(data, nil)
		if err != nil {
			return // values erlinit could not read back are refused
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("our output does not parse: %v\n%s", err, out)
		}
		want := applyErlinit(nil, opts)
		if len(again) != len(want) {
			t.Fatalf("%d options read back, want %d:\n%s", len(again), len(want), out)
		}
		for i := range want {
			if again[i].Name != want[i].Name || again[i].Value != want[i].Value || again[i].HasValue != want[i].HasValue {
				t.Fatalf("option %d: %+v, want %+v", i, again[i], want[i])
			}
		}
	})
}
