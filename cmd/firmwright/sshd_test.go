package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/upload/uploadtest"
)

// mainEnv makes the test binary run firmwright's main (the sshd test's
// subsystem runs it as fwup).
const mainEnv = "FIRMWRIGHT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Unsetenv(mainEnv)
		main()
	}
	os.Exit(m.Run())
}

// TestUploadToOpenSSH: OpenSSH's sshd with a fwup subsystem that runs
// firmwright's fwup mode on a qemu-aarch64 v1 image, as
// ssh_subsystem_fwup runs fwup on a device. firmwright upload sends v2
// (exit 0, fw_printenv then shows v2 active in slot B), and OpenSSH's
// own client does the same as mix upload does (ssh -s HOST fwup < v2.fw).
func TestUploadToOpenSSH(t *testing.T) {
	sshd := lookSSHD(t)
	sshClient := oracle.Tool(t, "ssh")
	printenv := oracle.Tool(t, "fw_printenv")
	oracle.Root(t, "sshd logging in as root")
	v1, v2 := qemuVersions(t)

	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	key := writeClientKey(t, filepath.Join(home, ".ssh"))
	port := uploadtest.FreePort(t)
	startSSHD(t, sshd, dir, port, key, v1.Image)

	env := map[string]string{"HOME": home, "USER": "root"}
	// --task reaches the subsystem (AcceptEnv FWUP_TASK): there is no
	// such task, and nothing is written.
	stdout, stderr, code := runCLI(t, env, "upload", fmt.Sprintf("127.0.0.1:%d", port), v2.Output, "--accept-new-host-key", "--task", "nosuch")
	if code != 1 || !strings.Contains(stdout+stderr, "nosuch") {
		t.Fatalf("upload --task nosuch: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	checkSlot(t, printenv, v1.Image, "a", "0.1.0")
	stdout, stderr, code = runCLI(t, env, "upload", fmt.Sprintf("127.0.0.1:%d", port), v2.Output)
	if code != 0 || !strings.Contains(stdout, "demo 0.2.0 for qemu-aarch64") {
		t.Fatalf("upload: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	checkSlot(t, printenv, v1.Image, "b", "0.2.0")

	// Back to v1 in slot A, with OpenSSH's client.
	cmd := exec.Command(sshClient, "-s", "-p", fmt.Sprint(port), "-i", key, "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+filepath.Join(home, ".ssh", "known_hosts"), "-F", "none", "root@127.0.0.1", "fwup")
	f, err := os.Open(v1.Output)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdin = f
	cmd.Env = append(os.Environ(), "HOME="+home)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh -s fwup: %v\n%s", err, out)
	}
	checkSlot(t, printenv, v1.Image, "a", "0.1.0")
}

func lookSSHD(t *testing.T) string {
	for _, p := range []string{"/usr/sbin/sshd", "/usr/bin/sshd"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	oracle.SkipOrFail(t, "sshd is not installed (Debian package openssh-server)")
	return ""
}

// qemuVersions builds qemu-aarch64 v1 (with its image) and v2.
func qemuVersions(t *testing.T) (v1, v2 builder.Spec) {
	sys := buildertest.System(t, "qemu-aarch64")
	v1 = buildertest.Spec(t, sys, 1<<20)
	v1.Meta.Version = "0.1.0"
	if _, err := builder.Build(context.Background(), v1); err != nil {
		t.Fatal(err)
	}
	v2 = v1
	v2.Output, v2.Image = filepath.Join(t.TempDir(), "v2.fw"), ""
	v2.Meta.Version = "0.2.0"
	if _, err := builder.Build(context.Background(), v2); err != nil {
		t.Fatal(err)
	}
	return v1, v2
}

func writeClientKey(t *testing.T, dir string) string { return writeKey(t, dir, "id_ed25519") }

// writeKey writes a new ed25519 key as OpenSSH does: name and name.pub.
func writeKey(t *testing.T, dir, name string) string {
	os.MkdirAll(dir, 0o700)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	os.WriteFile(p, pem.EncodeToMemory(block), 0o600)
	s, _ := ssh.NewSignerFromKey(priv)
	os.WriteFile(p+".pub", ssh.MarshalAuthorizedKey(s.PublicKey()), 0o644)
	return p
}

// startSSHD runs sshd in the foreground on 127.0.0.1:port, its fwup
// subsystem applying the upgrade task to image.
func startSSHD(t *testing.T, sshd, dir string, port int, clientKey, image string) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	hostKey := writeKey(t, dir, "ssh_host_ed25519_key")
	script := filepath.Join(dir, "fwup-subsystem")
	writeText(t, script, fmt.Sprintf("#!/bin/sh\nexec env %s=1 %s fwup --exit-handshake -a --no-unmount -d %s -t \"${FWUP_TASK:-upgrade}\"\n", mainEnv, self, image))
	os.Chmod(script, 0o755)
	pub := fwtest.ReadFile(t, clientKey+".pub")
	writeText(t, filepath.Join(dir, "authorized_keys"), string(pub))
	config := filepath.Join(dir, "sshd_config")
	writeText(t, config, strings.Join([]string{
		"ListenAddress 127.0.0.1", fmt.Sprintf("Port %d", port), "HostKey " + hostKey,
		"AuthorizedKeysFile " + filepath.Join(dir, "authorized_keys"), "PidFile " + filepath.Join(dir, "sshd.pid"),
		"StrictModes no", "UsePAM no", "PermitRootLogin yes", "PasswordAuthentication no",
		"AcceptEnv FWUP_TASK", "Subsystem fwup " + script, ""}, "\n"))
	os.MkdirAll("/run/sshd", 0o755) // sshd's privilege separation directory
	cmd := exec.Command(sshd, "-D", "-e", "-f", config)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("sshd:\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkSlot: fw_printenv on the image says slot is active with version.
func checkSlot(t *testing.T, printenv, image, slot, version string) {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "fw_env.config")
	writeText(t, cfg, image+" 0x2000 0x2000\n")
	out, err := exec.Command(printenv, "-c", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("fw_printenv: %v\n%s", err, out)
	}
	for _, want := range []string{"nerves_fw_active=" + slot + "\n", slot + ".nerves_fw_version=" + version + "\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("fw_printenv lacks %q:\n%s", want, out)
		}
	}
}

func writeText(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
