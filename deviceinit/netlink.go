//go:build linux

package deviceinit

import (
	"encoding/binary"
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The network the init sets up itself (--firmwright-network) is made with
// rtnetlink, the kernel's own interface, so that a base needs no ip or
// ifconfig: an address on the interface, then a default route.

func (s *linuxSystem) ConfigureInterface(n Network) error {
	index, err := interfaceIndex(n.Interface)
	if err != nil {
		return err
	}
	if err := s.InterfaceUp(n.Interface); err != nil {
		return err
	}
	nl, err := openNetlink()
	if err != nil {
		return err
	}
	defer unix.Close(int(nl))
	if err := nl.request(unix.RTM_NEWADDR, addrMessage(index, n)); err != nil {
		return fmt.Errorf("address %s/%d: %w", ipv4String(n.Addr), n.PrefixLen, err)
	}
	if n.Gateway != [4]byte{} {
		if err := nl.request(unix.RTM_NEWROUTE, routeMessage(index, n.Gateway)); err != nil {
			return fmt.Errorf("default route via %s: %w", ipv4String(n.Gateway), err)
		}
	}
	return nil
}

// interfaceIndex is SIOCGIFINDEX (not package net's InterfaceByName,
// which would bring all of net into the device binary).
func interfaceIndex(name string) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, err
	}
	return int(ifr.Uint32()), nil
}

type netlinkSocket int

func openNetlink() (netlinkSocket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return 0, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return 0, err
	}
	return netlinkSocket(fd), nil
}

// request sends one message that creates (replacing what is there) and
// returns the kernel's answer to it.
func (nl netlinkSocket) request(typ uint16, body []byte) error {
	hdr := unix.NlMsghdr{
		Len:   uint32(unix.SizeofNlMsghdr + len(body)),
		Type:  typ,
		Flags: unix.NLM_F_REQUEST | unix.NLM_F_ACK | unix.NLM_F_CREATE | unix.NLM_F_REPLACE,
		Seq:   1,
	}
	msg := append((*[unix.SizeofNlMsghdr]byte)(unsafe.Pointer(&hdr))[:], body...)
	if err := unix.Sendto(int(nl), msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(int(nl), buf, 0)
	if err != nil {
		return err
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Header.Type == unix.NLMSG_ERROR && len(m.Data) >= 4 {
			if code := int32(binary.NativeEndian.Uint32(m.Data)); code != 0 {
				return unix.Errno(-code)
			}
			return nil
		}
	}
	return fmt.Errorf("no answer from the kernel")
}

// addrMessage is an RTM_NEWADDR body: ifaddrmsg, then IFA_LOCAL and
// IFA_ADDRESS (the same for a broadcast interface).
func addrMessage(index int, n Network) []byte {
	m := unix.IfAddrmsg{Family: unix.AF_INET, Prefixlen: uint8(n.PrefixLen), Index: uint32(index)}
	b := append([]byte(nil), (*[unix.SizeofIfAddrmsg]byte)(unsafe.Pointer(&m))[:]...)
	b = appendAttr(b, unix.IFA_LOCAL, n.Addr[:])
	return appendAttr(b, unix.IFA_ADDRESS, n.Addr[:])
}

// routeMessage is an RTM_NEWROUTE body for the default route: rtmsg,
// then RTA_GATEWAY and RTA_OIF.
func routeMessage(index int, gateway [4]byte) []byte {
	m := unix.RtMsg{Family: unix.AF_INET, Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT,
		Scope: unix.RT_SCOPE_UNIVERSE, Type: unix.RTN_UNICAST}
	b := append([]byte(nil), (*[unix.SizeofRtMsg]byte)(unsafe.Pointer(&m))[:]...)
	b = appendAttr(b, unix.RTA_GATEWAY, gateway[:])
	oif := make([]byte, 4)
	binary.NativeEndian.PutUint32(oif, uint32(index))
	return appendAttr(b, unix.RTA_OIF, oif)
}

// appendAttr appends an rtattr, padded to 4 bytes.
func appendAttr(b []byte, typ uint16, data []byte) []byte {
	var hdr [unix.SizeofRtAttr]byte
	binary.NativeEndian.PutUint16(hdr[0:], uint16(unix.SizeofRtAttr+len(data)))
	binary.NativeEndian.PutUint16(hdr[2:], typ)
	b = append(append(b, hdr[:]...), data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
