package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxPublicKeys is how many public keys fwup checks a signature against.
const MaxPublicKeys = 10

// Generate makes a new key pair from rand.
func Generate(rand io.Reader) (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand)
}

// Encode returns a key as fwup writes it to a key file.
func Encode(key []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(key))
}

// decode reads a key of exactly n bytes: raw, or Base64 with or without
// padding, ignoring surrounding whitespace.
func decode(data []byte, n int) ([]byte, error) {
	if len(data) == n {
		return append([]byte(nil), data...), nil
	}
	text := bytes.TrimSpace(data)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if enc.EncodedLen(n) != len(text) {
			continue
		}
		key, err := enc.DecodeString(string(text))
		if err == nil && len(key) == n {
			return key, nil
		}
	}
	return nil, fmt.Errorf("expected a %d-byte key, raw or Base64 (%d characters)", n, base64.StdEncoding.EncodedLen(n))
}

// ParsePublic reads a public key.
func ParsePublic(data []byte) (ed25519.PublicKey, error) {
	k, err := decode(data, ed25519.PublicKeySize)
	return ed25519.PublicKey(k), err
}

// ParsePrivate reads a private key as fwup does: any 64 bytes. fwup signs
// with the stored public half, so a damaged key still signs (badly); see
// CheckPrivate.
func ParsePrivate(data []byte) (ed25519.PrivateKey, error) {
	k, err := decode(data, ed25519.PrivateKeySize)
	if err != nil {
		return nil, err
	}
	return ed25519.PrivateKey(k), nil
}

// CheckPrivate reports a key whose public half does not belong to its
// seed: its signatures would never verify.
func CheckPrivate(priv ed25519.PrivateKey) error {
	if !bytes.Equal(ed25519.NewKeyFromSeed(priv.Seed()).Public().(ed25519.PublicKey), priv[32:]) {
		return errors.New("the public half does not match the private key")
	}
	return nil
}

// SignatureSize is the size of the meta.conf.ed25519 entry.
const SignatureSize = ed25519.SignatureSize

// Sign signs meta.conf.
func Sign(priv ed25519.PrivateKey, meta []byte) []byte { return ed25519.Sign(priv, meta) }

// Verify reports whether sig is a signature of meta by any of the keys.
func Verify(pubs []ed25519.PublicKey, meta, sig []byte) bool {
	if len(sig) != SignatureSize {
		return false
	}
	for _, pub := range pubs {
		if ed25519.Verify(pub, meta, sig) {
			return true
		}
	}
	return false
}

// DecodeError is a key file that does not hold a key.
type DecodeError struct {
	Path string
	Err  error
}

func (e *DecodeError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// readFile reads a key file as fwup does: only its first Base64-length
// bytes, so a newline or anything else after the key does not matter. A
// file that cannot be opened is the *fs.PathError; one that cannot be
// read (a directory) holds no key, as for fwup's fread.
func readFile(path string, size int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, base64.StdEncoding.EncodedLen(size))
	n, _ := io.ReadFull(f, buf)
	return buf[:n], nil
}

// ReadPublicFile reads a public key file as fwup does. A file that holds
// no key gives a *DecodeError.
func ReadPublicFile(path string) (ed25519.PublicKey, error) {
	b, err := readFile(path, ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	k, err := ParsePublic(b)
	if err != nil {
		return nil, &DecodeError{Path: path, Err: err}
	}
	return k, nil
}

// ReadPrivateFile reads a private key file as fwup does (see
// ParsePrivate). A file that holds no key gives a *DecodeError.
func ReadPrivateFile(path string) (ed25519.PrivateKey, error) {
	b, err := readFile(path, ed25519.PrivateKeySize)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivate(b)
	if err != nil {
		return nil, &DecodeError{Path: path, Err: err}
	}
	return k, nil
}
