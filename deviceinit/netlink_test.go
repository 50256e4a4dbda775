//go:build linux

package deviceinit

import (
	"net"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/firmwright/firmwright/internal/oracle"
)

// ConfigureInterface against the kernel: in a network namespace of its
// own (this goroutine's thread only, dropped after), lo gets
// 10.0.2.15/24 and a default route through 10.0.2.2, as the kernel then
// reports them; a missing interface is ENODEV.
func TestConfigureInterfaceNetlink(t *testing.T) {
	oracle.Root(t, "making a network namespace")
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- err
			return
		}
		defer close(done)
		s := &linuxSystem{}
		if err := s.ConfigureInterface(Network{Interface: "nosuch0", Addr: [4]byte{10, 0, 2, 15}, PrefixLen: 24}); err != unix.ENODEV {
			t.Errorf("a missing interface: %v, want ENODEV", err)
		}
		if err := s.ConfigureInterface(Network{Interface: "lo", Addr: [4]byte{10, 0, 2, 15}, PrefixLen: 24, Gateway: [4]byte{10, 0, 2, 2}}); err != nil {
			t.Errorf("ConfigureInterface: %v", err)
			return
		}
		ifi, err := net.InterfaceByName("lo")
		if err != nil || ifi.Flags&net.FlagUp == 0 {
			t.Errorf("lo is not up: %v %v", ifi, err)
		}
		addrs, _ := ifi.Addrs()
		var got []string
		for _, a := range addrs {
			got = append(got, a.String())
		}
		if !strings.Contains(strings.Join(got, " "), "10.0.2.15/24") {
			t.Errorf("lo's addresses are %v, want 10.0.2.15/24 among them", got)
		}
		// The default route: destination 0, gateway 10.0.2.2 (little
		// endian hex, as /proc/net/route writes it), on lo.
		routes, err := os.ReadFile("/proc/thread-self/net/route")
		if err != nil || !strings.Contains(string(routes), "lo\t00000000\t0202000A") {
			t.Errorf("no default route via 10.0.2.2 on lo (%v):\n%s", err, routes)
		}
	}()
	if err := <-done; err != nil {
		oracle.SkipOrFail(t, "unshare(CLONE_NEWNET): %v", err)
	}
}
