package upload

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// MDNSGroup is where one-shot mDNS queries go (RFC 6762 §3).
var MDNSGroup = &net.UDPAddr{IP: net.IPv4(224, 0, 0, 251), Port: 5353}

// IsLocal says whether host is a name that mDNS answers (…​.local).
func IsLocal(host string) bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimSuffix(host, ".")), ".local")
}

const (
	typeA       = 1
	typeAAAA    = 28
	classIN     = 1
	unicastResp = 0x8000 // the QU bit of a question's class (RFC 6762 §5.4)
)

// LookupMDNS sends a one-shot query (RFC 6762 §5.1) for name's A and AAAA
// records to group (MDNSGroup when nil) from an ephemeral port, and
// returns the addresses of the first answer, or an error when none comes
// before ctx ends.
func LookupMDNS(ctx context.Context, name string, group *net.UDPAddr) ([]net.IP, error) {
	if group == nil {
		group = MDNSGroup
	}
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return nil, fmt.Errorf("mDNS: %w", err)
	}
	defer conn.Close()
	name = strings.TrimSuffix(name, ".")
	query, err := mdnsQuery(name)
	if err != nil {
		return nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(3 * time.Second)
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.WriteToUDP(query, group); err != nil {
		return nil, fmt.Errorf("mDNS query for %s: %w", name, err)
	}
	buf := make([]byte, 9000)
	for {
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			return nil, fmt.Errorf("no mDNS answer for %s: %w", name, err)
		}
		if ips := mdnsAnswers(buf[:n], name); len(ips) > 0 {
			return ips, nil
		}
	}
}

// mdnsQuery is a query with questions for name's A and AAAA records,
// asking for unicast answers.
func mdnsQuery(name string) ([]byte, error) {
	msg := make([]byte, 12)
	binary.BigEndian.PutUint16(msg[4:], 2) // QDCOUNT
	for _, typ := range []uint16{typeA, typeAAAA} {
		q, err := appendName(msg, name)
		if err != nil {
			return nil, err
		}
		msg = binary.BigEndian.AppendUint16(q, typ)
		msg = binary.BigEndian.AppendUint16(msg, classIN|unicastResp)
	}
	return msg, nil
}

func appendName(b []byte, name string) ([]byte, error) {
	for _, label := range strings.Split(name, ".") {
		if len(label) == 0 || len(label) > 63 {
			return nil, fmt.Errorf("mDNS: %q is not a host name", name)
		}
		b = append(append(b, byte(len(label))), label...)
	}
	return append(b, 0), nil
}

// mdnsAnswers returns the A and AAAA records for name in a response.
func mdnsAnswers(msg []byte, name string) []net.IP {
	if len(msg) < 12 || msg[2]&0x80 == 0 { // not a response
		return nil
	}
	qd, an := int(binary.BigEndian.Uint16(msg[4:])), int(binary.BigEndian.Uint16(msg[6:]))
	off := 12
	for range qd {
		_, next, err := readName(msg, off)
		if err != nil || next+4 > len(msg) {
			return nil
		}
		off = next + 4
	}
	var ips []net.IP
	for range an {
		rname, next, err := readName(msg, off)
		if err != nil || next+10 > len(msg) {
			return ips
		}
		typ := binary.BigEndian.Uint16(msg[next:])
		rdlen := int(binary.BigEndian.Uint16(msg[next+8:]))
		data := next + 10
		if data+rdlen > len(msg) {
			return ips
		}
		if strings.EqualFold(rname, name) && (typ == typeA && rdlen == 4 || typ == typeAAAA && rdlen == 16) {
			ips = append(ips, net.IP(append([]byte(nil), msg[data:data+rdlen]...)))
		}
		off = data + rdlen
	}
	return ips
}

// readName reads a domain name at off (with compression pointers) and
// returns it and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	end := -1
	for jumps := 0; ; {
		if off >= len(msg) {
			return "", 0, errors.New("mDNS: name runs past the message")
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.Join(labels, "."), end, nil
		case l&0xc0 == 0xc0:
			if off+1 >= len(msg) || jumps > 20 {
				return "", 0, errors.New("mDNS: bad name pointer")
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
			jumps++
		default:
			if off+1+l > len(msg) {
				return "", 0, errors.New("mDNS: label runs past the message")
			}
			labels = append(labels, string(msg[off+1:off+1+l]))
			off += 1 + l
		}
	}
}
