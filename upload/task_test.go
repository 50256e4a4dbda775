package upload_test

import (
	"net"
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/firmwright/firmwright/upload"
	"github.com/firmwright/firmwright/upload/uploadtest"
)

// TestTaskRequest: --task goes as FWUP_TASK in an env request before the
// subsystem request to an OpenSSH-like server, after it to Erlang's ssh
// daemon (which would start its shell on an env request first), and not
// at all without a task.
func TestTaskRequest(t *testing.T) {
	for _, tc := range []struct {
		version, task string
		want          []string
	}{
		{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "factory-reset", []string{"env FWUP_TASK=factory-reset", "subsystem fwup"}},
		{"SSH-2.0-Erlang/5.1.4", "factory-reset", []string{"subsystem fwup", "env FWUP_TASK=factory-reset"}},
		{"SSH-2.0-Erlang/5.1.4", "", []string{"subsystem fwup"}},
		{"", "upgrade", []string{"env FWUP_TASK=upgrade", "subsystem fwup"}},
	} {
		var d *uploadtest.Device
		d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) {
			d.ReadAll(ch)
			ch.Write([]byte("Success!\n"))
			uploadtest.Exit(ch, 0)
		})
		d.Set(func() { d.Version = tc.version })
		o, _, _ := client(t, d)
		o.Task = tc.task
		if code, err := send(t, o); code != 0 || err != nil {
			t.Fatalf("%s: %d, %v", tc.version, code, err)
		}
		if got := d.Requests(); !slices.Equal(got, tc.want) {
			t.Errorf("%q, task %q: requests %q, want %q", tc.version, tc.task, got, tc.want)
		}
	}
}

func TestValidTask(t *testing.T) {
	for _, ok := range []string{"upgrade", "complete", "factory-reset", "upgrade.a", "upgrade_b", "*"} {
		if err := upload.ValidTask(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-d", "up grade", "a;reboot", "a$(x)", "ü"} {
		if err := upload.ValidTask(bad); err == nil {
			t.Errorf("%q taken as a task", bad)
		}
	}
}
