package upload_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/firmwright/firmwright/upload"
	"github.com/firmwright/firmwright/upload/uploadtest"
)

func TestLookupMDNS(t *testing.T) {
	group := uploadtest.Responder(t, "nerves-1234.local", net.IPv4(127, 0, 0, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ips, err := upload.LookupMDNS(ctx, "Nerves-1234.local.", group)
	if err != nil || len(ips) != 1 || !ips[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("got %v, %v", ips, err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := upload.LookupMDNS(ctx, "other.local", group); err == nil || !strings.Contains(err.Error(), "no mDNS answer for other.local") {
		t.Errorf("unanswered: %v", err)
	}
}

// TestUploadToLocalName: a .local host is found through mDNS, and
// known_hosts records it by name.
func TestUploadToLocalName(t *testing.T) {
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) { d.ReadAll(ch); uploadtest.Exit(ch, 0) })
	o, _, _ := client(t, d)
	o.Host, o.MDNS = "nerves.local", uploadtest.Responder(t, "nerves.local", net.IPv4(127, 0, 0, 1))
	if code, err := send(t, o); code != 0 || err != nil {
		t.Fatalf("got %d, %v", code, err)
	}
	if b := readFile(t, o.HostKeys.File); !strings.HasPrefix(b, "[nerves.local]:") {
		t.Errorf("known_hosts: %q", b)
	}
}
