package upload

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HostKeys checks a server's key against a known_hosts file the way
// OpenSSH does.
type HostKeys struct {
	File string // ~/.ssh/known_hosts
	// AcceptNew records an unknown host's key without asking
	// (--accept-new-host-key).
	AcceptNew bool
	// Confirm asks the user whether to trust an unknown key; nil when no
	// one can answer (no terminal).
	Confirm func(question string) bool
	// Recorded is told of a key added to File.
	Recorded func(line string)
}

// HostKeyError is a host key refused.
type HostKeyError struct{ msg string }

func (e *HostKeyError) Error() string { return e.msg }

// AcceptFlag is what the message of an unknown host tells the user to
// pass; the command line sets its own flag's name.
var AcceptFlag = "--accept-new-host-key"

// callback returns the check of host (the name the user gave, after
// HostName) and the host key algorithms to offer: those recorded for the
// host, so that a host with a recorded key is not asked for another
// kind.
func (h *HostKeys) callback(host string, port int) (ssh.HostKeyCallback, []string, error) {
	if err := os.MkdirAll(filepath.Dir(h.File), 0o700); err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(h.File); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(h.File, nil, 0o600); err != nil {
			return nil, nil, err
		}
	}
	known, err := knownhosts.New(h.File)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", h.File, err)
	}
	algos := recordedAlgorithms(known, hostPort(host, port))
	cb := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := known(hostname, remote, key)
		var ke *knownhosts.KeyError
		if !errors.As(err, &ke) {
			return err
		}
		if len(ke.Want) > 0 {
			return changedKey(hostname, key, ke.Want)
		}
		return h.unknown(hostname, remote, key)
	}
	return cb, algos, nil
}

// recordedAlgorithms asks the known_hosts check about a key that cannot
// be recorded, which answers with the keys that are.
func recordedAlgorithms(known ssh.HostKeyCallback, hostport string) []string {
	var ke *knownhosts.KeyError
	if err := known(hostport, &net.TCPAddr{IP: net.IPv4zero}, probeKey{}); !errors.As(err, &ke) {
		return nil
	}
	var algos []string
	for _, k := range ke.Want {
		switch t := k.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		default:
			algos = append(algos, t)
		}
	}
	return algos
}

// probeKey is a public key no known_hosts line holds.
type probeKey struct{}

func (probeKey) Type() string                        { return "firmwright-probe" }
func (probeKey) Marshal() []byte                     { return []byte("firmwright-probe") }
func (probeKey) Verify([]byte, *ssh.Signature) error { return errors.New("probe") }

func changedKey(hostname string, key ssh.PublicKey, want []knownhosts.KnownKey) error {
	var lines []string
	for _, w := range want {
		lines = append(lines, fmt.Sprintf("%s:%d", w.Filename, w.Line))
	}
	return &HostKeyError{fmt.Sprintf("the host key of %s has CHANGED: it is now %s %s, and %s records another; "+
		"someone could be eavesdropping, or the device was reinstalled (remove that line if you know it was)",
		hostname, key.Type(), ssh.FingerprintSHA256(key), strings.Join(lines, ", "))}
}

func (h *HostKeys) unknown(hostname string, remote net.Addr, key ssh.PublicKey) error {
	desc := fmt.Sprintf("%s key %s", key.Type(), ssh.FingerprintSHA256(key))
	switch {
	case h.AcceptNew:
	case h.Confirm != nil:
		q := fmt.Sprintf("The authenticity of host %s can't be established.\nIts %s.\nTrust it and record it in %s? [y/N] ", hostname, desc, h.File)
		if !h.Confirm(q) {
			return &HostKeyError{fmt.Sprintf("the host key of %s (%s) was not accepted", hostname, desc)}
		}
	default:
		return &HostKeyError{fmt.Sprintf("%s is not a known host (its %s is not in %s); pass %s to accept and record it", hostname, desc, h.File, AcceptFlag)}
	}
	addrs := []string{knownhosts.Normalize(hostname)}
	if r := knownhosts.Normalize(remote.String()); r != addrs[0] {
		addrs = append(addrs, r)
	}
	line := knownhosts.Line(addrs, key)
	f, err := os.OpenFile(h.File, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return err
	}
	if h.Recorded != nil {
		h.Recorded(line)
	}
	return f.Close()
}
