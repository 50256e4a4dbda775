package upload

import (
	"context"
	"encoding/binary"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// responder answers mDNS queries for name with ip from 127.0.0.1, as a
// device's responder answers a one-shot query: unicast, to the asking
// port, the name compressed as a pointer to the question.
func responder(t *testing.T, name string, ip net.IP) *net.UDPAddr {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			q := buf[:n]
			qname, _, err := readName(q, 12)
			if err != nil || !strings.EqualFold(qname, name) || binary.BigEndian.Uint16(q[4:]) == 0 {
				continue
			}
			resp := []byte{0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}
			resp, _ = appendName(resp, name)
			resp = binary.BigEndian.AppendUint16(resp, typeA)
			resp = binary.BigEndian.AppendUint16(resp, classIN|0x8000) // cache-flush
			resp = binary.BigEndian.AppendUint32(resp, 120)
			resp = binary.BigEndian.AppendUint16(resp, 4)
			resp = append(resp, ip.To4()...)
			conn.WriteToUDP(resp, from)
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr)
}

func TestLookupMDNS(t *testing.T) {
	group := responder(t, "nerves-1234.local", net.IPv4(127, 0, 0, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ips, err := LookupMDNS(ctx, "Nerves-1234.local.", group)
	if err != nil || len(ips) != 1 || !ips[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("got %v, %v", ips, err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := LookupMDNS(ctx, "other.local", group); err == nil || !strings.Contains(err.Error(), "no mDNS answer for other.local") {
		t.Errorf("unanswered: %v", err)
	}
}

// TestUploadToLocalName: a .local host is found through mDNS, and
// known_hosts records it by name.
func TestUploadToLocalName(t *testing.T) {
	var d *device
	d = newDevice(t, func(ch ssh.Channel, _ net.Conn) { d.readAll(ch); exit(ch, 0) })
	o, _, _ := d.client(t)
	o.Host, o.MDNS = "nerves.local", responder(t, "nerves.local", net.IPv4(127, 0, 0, 1))
	if code, err := send(t, o); code != 0 || err != nil {
		t.Fatalf("got %d, %v", code, err)
	}
	if b := readFile(t, o.HostKeys.File); !strings.HasPrefix(b, "[nerves.local]:") {
		t.Errorf("known_hosts: %q", b)
	}
}
