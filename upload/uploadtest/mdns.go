package uploadtest

import (
	"encoding/binary"
	"net"
	"strings"
	"testing"
)

// Responder answers mDNS queries for name with ip from 127.0.0.1, as a
// device's responder answers a one-shot query (RFC 6762 §6.7): unicast,
// to the asking port. It returns its address, to send the queries to.
func Responder(t testing.TB, name string, ip net.IP) *net.UDPAddr {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	wire := encodeName(name)
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			q := buf[:n]
			if n < 12+len(wire) || binary.BigEndian.Uint16(q[4:]) == 0 || !strings.EqualFold(string(q[12:12+len(wire)]), string(wire)) {
				continue
			}
			resp := []byte{0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}
			resp = append(resp, wire...)
			resp = binary.BigEndian.AppendUint16(resp, 1)      // A
			resp = binary.BigEndian.AppendUint16(resp, 0x8001) // IN, cache-flush
			resp = binary.BigEndian.AppendUint32(resp, 120)    // TTL
			resp = binary.BigEndian.AppendUint16(resp, 4)
			resp = append(resp, ip.To4()...)
			conn.WriteToUDP(resp, from)
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr)
}

func encodeName(name string) []byte {
	var b []byte
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(append(b, byte(len(l))), l...)
	}
	return append(b, 0)
}
