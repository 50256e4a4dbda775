package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/upload/uploadtest"
)

// uploadHome is a HOME with ~/.ssh/id_ed25519 authorized by d, and
// ~/.ssh/config when config is not "".
func uploadHome(t *testing.T, d *uploadtest.Device, config string) map[string]string {
	home := t.TempDir()
	dir := filepath.Join(home, ".ssh")
	os.MkdirAll(dir, 0o700)
	_, pub := uploadtest.KeyFile(t, dir, "")
	d.Set(func() { d.Key = pub })
	if config != "" {
		os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600)
	}
	return map[string]string{"HOME": home, "USER": "root"}
}

// TestUploadCommand: through an ~/.ssh/config alias, the .fw arrives
// whole, the device's output is relayed, and the exit status is the
// device's; an unknown host without the flag is refused naming it.
func TestUploadCommand(t *testing.T) {
	fw := refPath(t, "ref-unsigned.fw")
	var status atomic.Uint32
	var d *uploadtest.Device
	d = uploadtest.NewDevice(t, func(ch ssh.Channel, _ net.Conn) {
		d.ReadAll(ch)
		if status.Load() == 0 {
			ch.Write([]byte("Success!\n"))
		} else {
			ch.Write([]byte("Error: Expecting platform=rpi4 and architecture=arm\n"))
		}
		uploadtest.Exit(ch, status.Load())
	})
	env := uploadHome(t, d, fmt.Sprintf("Host board\n  HostName 127.0.0.1\n  Port %d\n", d.Port()))

	_, stderr, code := runCLI(t, env, "upload", "board", fw, "-q")
	if code != 1 || !strings.Contains(stderr, "--accept-new-host-key") {
		t.Fatalf("unknown host: exit %d, %q", code, stderr)
	}
	stdout, stderr, code := runCLI(t, env, "upload", "board", fw, "--accept-new-host-key")
	if code != 0 || !strings.Contains(stdout, "Success!") || !strings.Contains(stdout, "→ root@127.0.0.1:") || !strings.Contains(stderr, "100%") {
		t.Fatalf("upload: exit %d, %q, %q", code, stdout, stderr)
	}
	if !bytes.Equal(d.Received(), fwtest.ReadFile(t, fw)) {
		t.Error("the device did not get the .fw")
	}
	status.Store(1)
	stdout, _, code = runCLI(t, env, "upload", "board", fw, "-q")
	if code != 1 || !strings.Contains(stdout, "Error: Expecting platform") {
		t.Errorf("device error: exit %d, %q", code, stdout)
	}
}

// TestUploadBadInput: a file that is not a .fw is refused before
// connecting; a port nobody listens on is said plainly, fast.
func TestUploadBadInput(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	env := map[string]string{"HOME": t.TempDir(), "USER": "root"}
	notFw := filepath.Join(t.TempDir(), "notes.fw")
	os.WriteFile(notFw, []byte("not a firmware archive at all"), 0o644)
	_, stderr, code := runCLI(t, env, "upload", ln.Addr().String(), notFw)
	if code != 1 || !strings.Contains(stderr, "not a firmware archive") {
		t.Errorf("not a .fw: exit %d, %q", code, stderr)
	}
	noConnection(t, accepted, "a file that is not a .fw")

	// A task that could pass for one of fwup's options is refused before
	// connecting.
	_, stderr, code = runCLI(t, env, "upload", ln.Addr().String(), refPath(t, "ref-unsigned.fw"), "--task", "-d/dev/sdb")
	if code != 2 || !strings.Contains(stderr, "--task") {
		t.Errorf("--task -d/dev/sdb: exit %d, %q", code, stderr)
	}
	noConnection(t, accepted, "a bad task")

	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	start := time.Now()
	_, stderr, code = runCLI(t, env, "upload", fmt.Sprintf("127.0.0.1:%d", port), refPath(t, "ref-unsigned.fw"))
	if code != 1 || !strings.Contains(stderr, "connection refused") || time.Since(start) > 5*time.Second {
		t.Errorf("refused: exit %d, %q after %v", code, stderr, time.Since(start))
	}
}

// noConnection fails if the listener accepted a connection.
func noConnection(t *testing.T, accepted <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-accepted:
		t.Errorf("it connected with %s", what)
	case <-time.After(100 * time.Millisecond):
	}
}
