package keys

import (
	"crypto/ed25519"
	"errors"
	"fmt"
)

// The key files native commands read, their errors worded "PATH: KIND
// key: …" (fwup mode keeps fwup's messages and reads with
// ReadPublicFile and ReadPrivateFile).

// ReadSigningKey reads a private key file, refusing a key whose halves do
// not match (fwup signs with such a key anyway, badly).
func ReadSigningKey(path string) (ed25519.PrivateKey, error) {
	k, err := ReadPrivateFile(path)
	if err == nil {
		if err = CheckPrivate(k); err != nil {
			err = &DecodeError{Path: path, Err: err}
		}
	}
	return k, fileError(err, "private")
}

// ReadCheckingKey reads a public key file.
func ReadCheckingKey(path string) (ed25519.PublicKey, error) {
	k, err := ReadPublicFile(path)
	return k, fileError(err, "public")
}

// ReadCheckingKeys reads public key files, at most MaxPublicKeys.
func ReadCheckingKeys(paths []string) ([]ed25519.PublicKey, error) {
	if len(paths) > MaxPublicKeys {
		return nil, fmt.Errorf("at most %d public keys", MaxPublicKeys)
	}
	var pubs []ed25519.PublicKey
	for _, p := range paths {
		k, err := ReadCheckingKey(p)
		if err != nil {
			return nil, err
		}
		pubs = append(pubs, k)
	}
	return pubs, nil
}

func fileError(err error, kind string) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: %s key: %w", de.Path, kind, de.Err)
	}
	return err
}
