package upload

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Auth is how the client proves who it is, in OpenSSH's order: the
// agent's keys, the identity files, then a password.
type Auth struct {
	// AgentSocket is SSH_AUTH_SOCK; "" for no agent.
	AgentSocket string
	// Identities are the private key files to offer (-i, IdentityFile or
	// the default ~/.ssh/id_ed25519, id_ecdsa, id_rsa); missing ones are
	// skipped when Optional.
	Identities []string
	Optional   bool
	// Passphrase asks for an encrypted key's passphrase; nil when no one
	// can answer.
	Passphrase func(file string) ([]byte, error)
	// Password is --password; PasswordPrompt asks for one when the server
	// wants one and none was given (nil: no terminal).
	Password       string
	PasswordPrompt func(user, host string) (string, error)
	// Warn is told of keys that could not be used.
	Warn func(msg string)

	offered []string // what was tried, for the message when all fail
	agent   net.Conn
}

// methods are the SSH auth methods to try.
func (a *Auth) methods(user, host string) ([]ssh.AuthMethod, error) {
	var signers []ssh.Signer
	if a.AgentSocket != "" {
		if conn, err := net.Dial("unix", a.AgentSocket); err == nil {
			a.agent = conn
			if s, err := agent.NewClient(conn).Signers(); err == nil {
				signers = append(signers, s...)
				a.offered = append(a.offered, fmt.Sprintf("%d key(s) of the ssh-agent", len(s)))
			}
		} else {
			a.warn("ssh-agent at %s: %v", a.AgentSocket, err)
		}
	}
	for _, file := range a.Identities {
		s, err := a.loadKey(file)
		if err != nil {
			if a.Optional && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, err
		}
		if s != nil {
			signers = append(signers, s)
			a.offered = append(a.offered, file)
		}
	}
	var methods []ssh.AuthMethod
	if len(signers) > 0 {
		methods = append(methods, ssh.PublicKeys(signers...))
	}
	password := func() (string, error) {
		if a.Password != "" {
			return a.Password, nil
		}
		if a.PasswordPrompt == nil {
			return "", errors.New("no password given")
		}
		p, err := a.PasswordPrompt(user, host)
		a.Password = p
		return p, err
	}
	if a.Password != "" || a.PasswordPrompt != nil {
		a.offered = append(a.offered, "a password")
		methods = append(methods, ssh.PasswordCallback(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range questions {
					p, err := password()
					if err != nil {
						return nil, err
					}
					answers[i] = p
				}
				return answers, nil
			}))
	}
	return methods, nil
}

// loadKey reads a private key file, asking for its passphrase when it
// is encrypted; nil without an error when it is encrypted and no one can
// answer.
func (a *Auth) loadKey(file string) (ssh.Signer, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return s, nil
	}
	if a.Passphrase == nil {
		a.warn("%s is encrypted and there is no terminal to ask for its passphrase: skipped (an ssh-agent holding it works)", file)
		return nil, nil
	}
	pass, err := a.Passphrase(file)
	if err != nil {
		return nil, err
	}
	s, err = ssh.ParsePrivateKeyWithPassphrase(pem, pass)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

func (a *Auth) warn(format string, args ...any) {
	if a.Warn != nil {
		a.Warn(fmt.Sprintf(format, args...))
	}
}

// failed words an authentication failure.
func (a *Auth) failed(user, host string, err error) error {
	tried := "nothing (no ssh-agent, no key file, no password)"
	if len(a.offered) > 0 {
		tried = strings.Join(a.offered, ", ")
	}
	return fmt.Errorf("%s@%s refused us: tried %s (%v); give the key the device authorizes with -i, or --password", user, host, tried, err)
}

func (a *Auth) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}
