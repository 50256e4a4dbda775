package uploadtest

import (
	"net"
	"testing"
)

// FreePort is a TCP port on loopback that nothing listens on: one the
// kernel just handed out and took back, for a server (sshd, QEMU's port
// forward) to take.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
