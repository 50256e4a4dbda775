package qemu

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Forward is one TCP port of the host forwarded to the guest through
// QEMU's user networking (slirp): connections to HostAddr:HostPort reach
// the guest's GuestPort at its user-networking address, 10.0.2.15.
type Forward struct {
	HostAddr  netip.Addr
	HostPort  uint16
	GuestPort uint16
}

// ParseForward reads [HOSTADDR:]HOSTPORT:GUESTPORT, as ssh -L spells a
// forward; the host address defaults to 127.0.0.1 (loopback: a guest's
// SSH is not for the network) and may be an IPv6 address in brackets.
func ParseForward(s string) (Forward, error) {
	bad := func(why string) (Forward, error) {
		return Forward{}, fmt.Errorf("--forward %q: %s (expected [HOSTADDR:]HOSTPORT:GUESTPORT, e.g. 127.0.0.1:2222:22)", s, why)
	}
	rest, guest, ok := cutLast(s)
	if !ok {
		return bad("no guest port")
	}
	f := Forward{HostAddr: netip.AddrFrom4([4]byte{127, 0, 0, 1})}
	host := rest
	if addr, port, ok := cutLast(rest); ok {
		a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"))
		if err != nil {
			return bad("the host address is not an IP address")
		}
		f.HostAddr, host = a, port
	}
	var err error
	if f.HostPort, err = parsePort(host); err != nil {
		return bad("the host port " + err.Error())
	}
	if f.GuestPort, err = parsePort(guest); err != nil {
		return bad("the guest port " + err.Error())
	}
	return f, nil
}

// cutLast splits s at its last colon.
func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a port (1-65535)", s)
	}
	return uint16(n), nil
}

// hostfwd is the forward in QEMU's -netdev user,hostfwd= syntax.
func (f Forward) hostfwd() string {
	addr := f.HostAddr.String()
	if f.HostAddr.Is6() {
		addr = "[" + addr + "]"
	}
	return fmt.Sprintf("tcp:%s:%d-:%d", addr, f.HostPort, f.GuestPort)
}

// netArgs are QEMU's arguments for the guest's network card: with
// forwards, a virtio NIC on user networking that carries them (eth0 in
// the guest); without, none is given and QEMU's default NIC stays.
func netArgs(forwards []Forward) []string {
	if len(forwards) == 0 {
		return nil
	}
	netdev := "user,id=net0"
	for _, f := range forwards {
		netdev += ",hostfwd=" + f.hostfwd()
	}
	return []string{"-netdev", netdev, "-device", "virtio-net-pci,netdev=net0"}
}
