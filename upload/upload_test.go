package upload_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/firmwright/firmwright/upload"
	"github.com/firmwright/firmwright/upload/uploadtest"
)

var payload = bytes.Repeat([]byte("firmware"), 100000)

func send(t *testing.T, o upload.Options) (int, error) {
	t.Helper()
	return upload.Send(context.Background(), o, bytes.NewReader(payload), int64(len(payload)))
}

// TestExitStatus: the device's exit status is the upload's, its output
// is relayed, and the whole archive arrives.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		status uint32
		say    string
	}{{0, "Success!\n"}, {1, "Error: Expecting platform=rpi4\n"}} {
		var d *uploadtest.Device
		d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) {
			d.ReadAll(ch)
			ch.Write([]byte(tc.say))
			ch.Stderr().Write([]byte("on stderr\n"))
			uploadtest.Exit(ch, tc.status)
		})
		o, out, errb := client(t, d)
		var last int64
		o.Progress = func(sent, total int64) { last = sent }
		code, err := send(t, o)
		if err != nil || code != int(tc.status) {
			t.Errorf("status %d: got %d, %v", tc.status, code, err)
		}
		if out.String() != tc.say || errb.String() != "on stderr\n" {
			t.Errorf("output %q, stderr %q", out, errb)
		}
		if !bytes.Equal(d.Received(), payload) || last != int64(len(payload)) {
			t.Errorf("the device got %d bytes, progress said %d, of %d", len(d.Received()), last, len(payload))
		}
	}
}

// TestDroppedConnection: a device that drops the connection after saying
// Success! has rebooted (0); before, the update failed (1, saying so).
func TestDroppedConnection(t *testing.T) {
	for _, say := range []string{"Success!\n", "50%\n"} {
		var d *uploadtest.Device
		d = uploadtest.NewDevice(t, func(ch ssh.Channel, conn net.Conn) {
			d.ReadAll(ch)
			ch.Write([]byte(say))
			time.Sleep(50 * time.Millisecond)
			conn.Close()
		})
		o, out, _ := client(t, d)
		code, err := send(t, o)
		if say == "Success!\n" && (code != 0 || err != nil) {
			t.Errorf("after Success!: %d, %v", code, err)
		}
		if say != "Success!\n" && (code != 1 || err == nil || !strings.Contains(err.Error(), "did not finish")) {
			t.Errorf("before Success!: %d, %v", code, err)
		}
		if out.String() != say {
			t.Errorf("output %q", out)
		}
	}
}

// TestExitHandshakeInOutput: a trailing 0x1A + status is the status and
// is not printed.
func TestExitHandshakeInOutput(t *testing.T) {
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) {
		d.ReadAll(ch)
		ch.Write([]byte("Error: no\n\x1a\x03"))
	})
	o, out, _ := client(t, d)
	code, err := send(t, o)
	if code != 3 || err != nil || out.String() != "Error: no\n" {
		t.Errorf("got %d, %v, output %q", code, err, out)
	}
}

// TestSilentDevice: a device that stops reading and says nothing is
// given up on after the idle timeout.
func TestSilentDevice(t *testing.T) {
	d := uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) { time.Sleep(3 * time.Second) })
	o, _, _ := client(t, d)
	o.IdleTimeout = 300 * time.Millisecond
	start := time.Now()
	code, err := send(t, o)
	if code != 1 || !errors.Is(err, upload.ErrSilent) || time.Since(start) > 2*time.Second {
		t.Errorf("got %d, %v after %v", code, err, time.Since(start))
	}
}

// TestHostKeys: an unknown host is refused without the flag, naming it;
// with it, the key is recorded and later connections need no flag; a
// changed key is refused naming the known_hosts line.
func TestHostKeys(t *testing.T) {
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) { d.ReadAll(ch); uploadtest.Exit(ch, 0) })
	o, _, _ := client(t, d)
	o.HostKeys.AcceptNew = false
	if code, err := send(t, o); code != 1 || err == nil || !strings.Contains(err.Error(), upload.AcceptFlag) {
		t.Fatalf("unknown host: %d, %v", code, err)
	}
	asked := ""
	o.HostKeys.Confirm = func(q string) bool { asked = q; return false }
	if _, err := send(t, o); err == nil || !strings.Contains(asked, "SHA256:") {
		t.Fatalf("declined: %v, asked %q", err, asked)
	}
	o.HostKeys.Confirm = nil
	o.HostKeys.AcceptNew = true
	if code, err := send(t, o); code != 0 || err != nil {
		t.Fatalf("accepting: %d, %v", code, err)
	}
	o.HostKeys.AcceptNew = false
	if code, err := send(t, o); code != 0 || err != nil {
		t.Fatalf("known: %d, %v", code, err)
	}
	changed := uploadtest.NewSigner(t)
	d.Set(func() { d.HostKey = changed })
	o.HostKeys.AcceptNew = true // does not accept a changed key
	_, err := send(t, o)
	if err == nil || !strings.Contains(err.Error(), "CHANGED") || !strings.Contains(err.Error(), o.HostKeys.File+":1") {
		t.Errorf("changed key: %v", err)
	}
	if b, _ := os.ReadFile(o.HostKeys.File); strings.Count(string(b), "\n") != 1 {
		t.Errorf("known_hosts now %q", b)
	}
}

// TestAuth: a key the device does not authorize is a plain failure; an
// encrypted key asks its passphrase (and is skipped with no one to ask);
// a password works.
func TestAuth(t *testing.T) {
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) { d.ReadAll(ch); uploadtest.Exit(ch, 0) })
	o, _, _ := client(t, d)
	other := uploadtest.NewSigner(t).PublicKey()
	d.Set(func() { d.Key = other })
	if _, err := send(t, o); err == nil || !strings.Contains(err.Error(), "refused us") || !strings.Contains(err.Error(), o.Auth.Identities[0]) {
		t.Errorf("wrong key: %v", err)
	}

	enc, pub := uploadtest.KeyFile(t, t.TempDir(), "sesame")
	d.Set(func() { d.Key = pub })
	var warned []string
	o.Auth = upload.Auth{Identities: []string{enc}, Warn: func(m string) { warned = append(warned, m) }}
	if _, err := send(t, o); err == nil || len(warned) != 1 || !strings.Contains(warned[0], "encrypted") {
		t.Errorf("encrypted key, no terminal: %v, warned %q", err, warned)
	}
	o.Auth.Passphrase = func(string) ([]byte, error) { return []byte("sesame"), nil }
	if code, err := send(t, o); code != 0 || err != nil {
		t.Errorf("encrypted key: %d, %v", code, err)
	}

	d.Set(func() { d.Password = "hunter2" })
	o.Auth = upload.Auth{Password: "hunter2"}
	if code, err := send(t, o); code != 0 || err != nil {
		t.Errorf("password: %d, %v", code, err)
	}
	prompted := false
	o.Auth = upload.Auth{PasswordPrompt: func(user, host string) (string, error) { prompted = true; return "hunter2", nil }}
	if code, err := send(t, o); code != 0 || err != nil || !prompted {
		t.Errorf("password prompt: %d, %v, prompted %v", code, err, prompted)
	}
}

// TestConnectionRefused: nothing listening says so, fast.
func TestConnectionRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	o := upload.Options{Host: "127.0.0.1", Port: port, User: "root", ConnectTimeout: 10 * time.Second,
		HostKeys: upload.HostKeys{File: t.TempDir() + "/known_hosts"}}
	start := time.Now()
	code, err := send(t, o)
	if code != 1 || err == nil || !strings.Contains(err.Error(), "connection refused") || time.Since(start) > 5*time.Second {
		t.Errorf("got %d, %v after %v", code, err, time.Since(start))
	}
}

// TestRecordedAlgorithmOnly: a host recorded with its Ed25519 key is
// asked for that key, though it has an ECDSA one too, which x/crypto
// would prefer (and then call changed).
func TestRecordedAlgorithmOnly(t *testing.T) {
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) { d.ReadAll(ch); uploadtest.Exit(ch, 0) })
	o, _, _ := client(t, d)
	if code, err := send(t, o); code != 0 || err != nil { // records the Ed25519 key
		t.Fatalf("first: %d, %v", code, err)
	}
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec, _ := ssh.NewSignerFromKey(priv)
	d.Set(func() { d.OtherHostKeys = []ssh.Signer{ec} })
	o.HostKeys.AcceptNew = false
	if code, err := send(t, o); code != 0 || err != nil {
		t.Errorf("with both keys: %d, %v", code, err)
	}
}

// TestAgent: the ssh-agent's keys are offered.
func TestAgent(t *testing.T) {
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) { d.ReadAll(ch); uploadtest.Exit(ch, 0) })
	o, _, _ := client(t, d)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	keyring := agent.NewKeyring()
	keyring.Add(agent.AddedKey{PrivateKey: priv})
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go agent.ServeAgent(keyring, c)
		}
	}()
	signer, _ := ssh.NewSignerFromKey(priv)
	d.Set(func() { d.Key = signer.PublicKey() })
	o.Auth = upload.Auth{AgentSocket: sock}
	if code, err := send(t, o); code != 0 || err != nil {
		t.Errorf("agent: %d, %v", code, err)
	}
}
