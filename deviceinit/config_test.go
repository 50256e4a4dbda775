package deviceinit

import (
	"reflect"
	"testing"
	"time"

	"github.com/firmwright/firmwright/erlang/erlinit"
)

func TestParseConfig(t *testing.T) {
	def := defaultConfig()
	tests := []struct {
		name     string
		config   string
		want     func(c *config)
		problems []string
	}{{
		name:   "env and mounts accumulate, split at ;",
		config: "-e A=1;B=2\n--env C=3\n-m a:/x:t::d;b:/y:t:ro,nosuid:e:f\n-m c:/z:t:rw,sync:",
		want: func(c *config) {
			c.env = []string{"A=1", "B=2", "C=3"}
			c.mounts = []mountSpec{{"a", "/x", "t", 0, "d"}, {"b", "/y", "t", msRdonly | msNosuid, "e:f"}, {"c", "/z", "t", msSynchronous, ""}}
		},
	}, {
		name:   "the last setting wins; --no-NAME restores the default",
		config: "-r /a\n--release-path /b\n--hang-on-exit\n--poweroff-on-exit\n--hang-on-fatal\n--no-hang-on-fatal\n-v\n-b x\n--no-boot\n--graceful-shutdown-timeout 0x200\n-e A=1\n--no-env\n-e B=2",
		want: func(c *config) {
			c.releasePath, c.onExit, c.verbose, c.gracefulTimeout, c.env = "/b", actPowerOff, true, 512*time.Millisecond, []string{"B=2"}
		},
	}, {
		name:     "bad values",
		config:   "-m /dev/x:/root\n-m a:/x:t:bogus,ro:\n-e NOVALUE\n--tty-options 115200\n--x-pivot-root-on-overlayfs\n--print-timing",
		want:     func(c *config) { c.mounts = []mountSpec{{"a", "/x", "t", msRdonly, ""}} },
		problems: []string{`-m "/dev/x:/root": expected source:target:fstype:flags:data`, `-m a:/x:t:bogus,ro:: unknown mount flag "bogus"`, `-e "NOVALUE" is not NAME=VALUE`, "ignoring --tty-options, --x-pivot-root-on-overlayfs (not implemented by deviceinit)"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := erlinit.Parse([]byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			got, problems := parseConfig(opts)
			want := def
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems %q\nwant %q", problems, tt.problems)
			}
		})
	}
}
