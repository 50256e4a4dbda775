// Package uploadtest is an in-process SSH device with a fwup subsystem
// and an mDNS responder, for tests of uploads.
package uploadtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Device is an in-process SSH server with a fwup subsystem whose
// behaviour the test chooses.
type Device struct {
	ln      net.Listener
	HostKey ssh.Signer
	// OtherHostKeys are offered too (a server with keys of several types).
	OtherHostKeys []ssh.Signer
	User          string
	Key           ssh.PublicKey // the authorized key
	Password      string        // "": no password auth
	// Version is the server's version string ("": x/crypto/ssh's).
	Version string
	// fwup runs the subsystem: it gets the channel and the connection
	// (to drop it).
	fwup func(ch ssh.Channel, conn net.Conn)

	mu       sync.Mutex
	received []byte
	requests []string
}

// NewDevice starts a device on 127.0.0.1 whose fwup subsystem runs fwup.
func NewDevice(t testing.TB, fwup func(ch ssh.Channel, conn net.Conn)) *Device {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	d := &Device{ln: ln, HostKey: NewSigner(t), User: "root", fwup: fwup}
	go d.serve()
	return d
}

// Port is where the device listens.
func (d *Device) Port() int { return d.ln.Addr().(*net.TCPAddr).Port }

func (d *Device) serve() {
	for {
		conn, err := d.ln.Accept()
		if err != nil {
			return
		}
		go d.handle(conn)
	}
}

// Set changes the device between connections.
func (d *Device) Set(f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f()
}

func (d *Device) handle(conn net.Conn) {
	defer conn.Close()
	d.mu.Lock()
	hostKey, others, key, password, user, version := d.HostKey, d.OtherHostKeys, d.Key, d.Password, d.User, d.Version
	d.requests = nil
	d.mu.Unlock()
	cfg := &ssh.ServerConfig{
		ServerVersion: version,
		PublicKeyCallback: func(m ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if key != nil && m.User() == user && bytes.Equal(k.Marshal(), key.Marshal()) {
				return nil, nil
			}
			return nil, errDenied
		},
	}
	if password != "" {
		cfg.PasswordCallback = func(m ssh.ConnMetadata, p []byte) (*ssh.Permissions, error) {
			if string(p) == password {
				return nil, nil
			}
			return nil, errDenied
		}
	}
	cfg.AddHostKey(hostKey)
	for _, k := range others {
		cfg.AddHostKey(k)
	}
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		for r := range creqs {
			d.record(r)
			var sub struct{ Name string }
			ok := r.Type == "subsystem" && ssh.Unmarshal(r.Payload, &sub) == nil && sub.Name == "fwup"
			r.Reply(ok, nil)
			if ok {
				go func() {
					d.fwup(ch, conn)
					ch.Close()
				}()
			}
		}
	}
}

var errDenied = io.ErrClosedPipe

// record keeps a channel request as "subsystem fwup" or "env NAME=VALUE".
func (d *Device) record(r *ssh.Request) {
	what := r.Type
	var env struct{ Name, Value string }
	var sub struct{ Name string }
	switch {
	case r.Type == "env" && ssh.Unmarshal(r.Payload, &env) == nil:
		what += " " + env.Name + "=" + env.Value
	case r.Type == "subsystem" && ssh.Unmarshal(r.Payload, &sub) == nil:
		what += " " + sub.Name
	}
	d.mu.Lock()
	d.requests = append(d.requests, what)
	d.mu.Unlock()
}

// Requests are the channel requests of the last connection, in order.
func (d *Device) Requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.requests...)
}

// ReadAll reads a subsystem's stdin, kept for the test.
func (d *Device) ReadAll(ch ssh.Channel) {
	b, _ := io.ReadAll(ch)
	d.mu.Lock()
	d.received = b
	d.mu.Unlock()
}

// Received is what the subsystem last read.
func (d *Device) Received() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.received
}

// Exit sends the exit status.
func Exit(ch ssh.Channel, status uint32) {
	ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
}

// NewSigner is a new ed25519 key.
func NewSigner(t testing.TB) ssh.Signer {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// KeyFile writes a new private key (encrypted when pass is not "") and
// returns its path and public key.
func KeyFile(t testing.TB, dir, pass string) (string, ssh.PublicKey) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	var block *pem.Block
	var err error
	if pass == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(pass))
	}
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "id_ed25519")
	if pass != "" {
		p += "_enc"
	}
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := ssh.NewSignerFromKey(priv)
	return p, s.PublicKey()
}
