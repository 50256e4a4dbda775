package qemu_test

import (
	"strings"
	"testing"

	"github.com/firmwright/firmwright/qemu"
)

// Forwards as ssh -L spells them become one user-networking NIC that
// carries them all; bad ones are refused naming the part that is wrong.
func TestForwards(t *testing.T) {
	var fs []qemu.Forward
	for _, s := range []string{"2222:22", "127.0.0.2:8080:80", "[::1]:2223:22"} {
		f, err := qemu.ParseForward(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		fs = append(fs, f)
	}
	o := qemu.Options{Image: "x.img", Forwards: fs}
	got := strings.Join(o.Args("/t/Image", "", ""), " ")
	want := "-netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.2:8080-:80,hostfwd=tcp:[::1]:2223-:22 -device virtio-net-pci,netdev=net0"
	if !strings.HasSuffix(got, want) {
		t.Errorf("args\n%s\ndo not end with\n%s", got, want)
	}
	if o := (qemu.Options{Image: "x.img"}); strings.Contains(strings.Join(o.Args("/t/Image", "", ""), " "), "netdev") {
		t.Error("a NIC was given without forwards")
	}
	for in, want := range map[string]string{
		"22":             "no guest port",
		"x:22":           `the host port "x"`,
		"2222:0":         `the guest port "0"`,
		"2222:70000":     `the guest port "70000"`,
		"host:2222:22":   "not an IP address",
		"1.2.3.4:2222:x": `the guest port "x"`,
	} {
		_, err := qemu.ParseForward(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "HOSTPORT:GUESTPORT") {
			t.Errorf("ParseForward(%q) = %v, want an error saying %s", in, err, want)
		}
	}
}
