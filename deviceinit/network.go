package deviceinit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NetworkOption is firmwright's own erlinit.config option (erlinit has
// none like it): --firmwright-network IFACE,ADDR/PREFIX[,GATEWAY] gives
// the interface a static address and a default route before the release
// starts, with rtnetlink, so that a base needs no network tools. The
// qemu-aarch64 example asks for QEMU user networking's
// eth0,10.0.2.15/24,10.0.2.2. Real erlinit warns about it and goes on.
const NetworkOption = "firmwright-network"

// Network is one --firmwright-network: an IPv4 address on an interface
// and, unless Gateway is zero, a default route through Gateway. (IPv4
// written out, not net/netip, which would add its dependencies to the
// device binary.)
type Network struct {
	Interface string
	Addr      [4]byte
	PrefixLen int
	Gateway   [4]byte
}

// parseNetwork reads IFACE,ADDR/PREFIX[,GATEWAY].
func parseNetwork(v string) (Network, error) {
	f := strings.Split(v, ",")
	bad := func(why string) (Network, error) {
		return Network{}, fmt.Errorf("--%s %q: %s (expected IFACE,ADDR/PREFIX[,GATEWAY] with IPv4 addresses, e.g. eth0,10.0.2.15/24,10.0.2.2)", NetworkOption, v, why)
	}
	if len(f) < 2 || len(f) > 3 || f[0] == "" || len(f[0]) > 15 {
		return bad("not an interface name and an address")
	}
	n := Network{Interface: f[0]}
	addr, bits, ok := strings.Cut(f[1], "/")
	var err error
	if n.PrefixLen, err = strconv.Atoi(bits); !ok || err != nil || n.PrefixLen < 0 || n.PrefixLen > 32 {
		return bad("the address is not ADDR/PREFIX")
	}
	if n.Addr, ok = parseIPv4(addr); !ok {
		return bad("the address is not ADDR/PREFIX")
	}
	if len(f) == 3 {
		if n.Gateway, ok = parseIPv4(f[2]); !ok || n.Gateway == [4]byte{} {
			return bad("the gateway is not an IPv4 address")
		}
	}
	return n, nil
}

// parseIPv4 reads a dotted quad of decimal numbers.
func parseIPv4(s string) ([4]byte, bool) {
	var ip [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return ip, false
	}
	for i, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return ip, false
		}
		v, _ := strconv.Atoi(p)
		if v > 255 {
			return ip, false
		}
		ip[i] = byte(v)
	}
	return ip, true
}

func ipv4String(ip [4]byte) string {
	return fmt.Sprintf("%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3])
}

func (n Network) String() string {
	s := fmt.Sprintf("%s %s/%d", n.Interface, ipv4String(n.Addr), n.PrefixLen)
	if n.Gateway != [4]byte{} {
		s += " via " + ipv4String(n.Gateway)
	}
	return s
}

// interfaceTries and interfaceRetry bound the wait for the interface (5
// s): its driver may still be probing when the init starts.
const (
	interfaceTries = 50
	interfaceRetry = 100 * time.Millisecond
)

// setUpNetwork configures --firmwright-network, if given, waiting for
// the interface; a failure is logged and the release starts anyway.
func (r *initRun) setUpNetwork() {
	n := r.cfg.network
	if n.Interface == "" {
		return
	}
	for try := 1; ; try++ {
		err := r.sys.ConfigureInterface(n)
		if err == nil {
			r.logf("network: %s", n)
			return
		}
		if try == interfaceTries {
			r.logf("--%s: cannot configure %s: %v", NetworkOption, n, err)
			return
		}
		r.sys.Sleep(interfaceRetry)
	}
}
