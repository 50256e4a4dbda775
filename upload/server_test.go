package upload

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
	"time"

	"golang.org/x/crypto/ssh"
)

// device is an in-process SSH server with a fwup subsystem whose
// behaviour the test chooses.
type device struct {
	t        *testing.T
	ln       net.Listener
	hostKey  ssh.Signer
	user     string
	key      ssh.PublicKey // the authorized key
	password string
	// fwup runs the subsystem: it gets the channel and the connection
	// (to drop it).
	fwup func(ch ssh.Channel, conn net.Conn)

	mu       sync.Mutex
	received []byte
}

func newDevice(t *testing.T, fwup func(ch ssh.Channel, conn net.Conn)) *device {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	d := &device{t: t, ln: ln, hostKey: newSigner(t), user: "root", fwup: fwup}
	go d.serve()
	return d
}

func (d *device) port() int { return d.ln.Addr().(*net.TCPAddr).Port }

func (d *device) serve() {
	for {
		conn, err := d.ln.Accept()
		if err != nil {
			return
		}
		go d.handle(conn)
	}
}

// set changes the device between connections.
func (d *device) set(f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f()
}

func (d *device) handle(conn net.Conn) {
	defer conn.Close()
	d.mu.Lock()
	hostKey, key, password := d.hostKey, d.key, d.password
	d.mu.Unlock()
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(m ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if key != nil && m.User() == d.user && bytes.Equal(k.Marshal(), key.Marshal()) {
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

// readAll is a subsystem's stdin, kept for the test.
func (d *device) readAll(ch ssh.Channel) {
	b, _ := io.ReadAll(ch)
	d.mu.Lock()
	d.received = b
	d.mu.Unlock()
}

func exit(ch ssh.Channel, status uint32) {
	ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
}

func newSigner(t *testing.T) ssh.Signer {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keyFile writes a new private key (encrypted when pass is not "") and
// returns its path and public key.
func keyFile(t *testing.T, dir, pass string) (string, ssh.PublicKey) {
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

// client is Options for d with a new key it authorizes and host keys
// accepted.
func (d *device) client(t *testing.T) (Options, *bytes.Buffer, *bytes.Buffer) {
	dir := t.TempDir()
	file, pub := keyFile(t, dir, "")
	d.set(func() { d.key = pub })
	var out, errb bytes.Buffer
	return Options{Host: "127.0.0.1", Port: d.port(), User: "root",
		HostKeys:       HostKeys{File: filepath.Join(dir, "known_hosts"), AcceptNew: true},
		Auth:           Auth{Identities: []string{file}},
		ConnectTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second,
		Stdout: &out, Stderr: &errb}, &out, &errb
}
