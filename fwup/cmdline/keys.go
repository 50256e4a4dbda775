package cmdline

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/internal/cstr"
)

// genKeys is -g.
func (r *run) genKeys(prefix string, set bool) error {
	if !set {
		prefix = "fwup-key"
	}
	pub, priv, err := keys.Generate(r.sys.Rand)
	if err != nil {
		return r.fail("Could not get enough random bytes")
	}
	pubPath, privPath := prefix+".pub", prefix+".priv"
	for _, k := range []struct {
		path string
		data []byte
	}{{pubPath, keys.Encode(pub)}, {privPath, keys.Encode(priv)}} {
		if err := r.writeKey(k.path, k.data); err != nil {
			return err
		}
	}
	pb, sb := trunc32(filepath.Base(pubPath)), trunc32(filepath.Base(privPath))
	r.output(KindOK, fmt.Sprintf("Firmware signing keys created and saved to '%s' and '%s'\n\n"+
		"Distribute '%s' with your system so that firmware updates can be\n"+
		"authenticated. Keep '%s' in a safe location.\n", pb, sb, pb, sb))
	return nil
}

// writeKey creates a key file that must not exist yet.
func (r *run) writeKey(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return r.fail("Couldn't create '%s': %s", path, cstr.Strerror(err))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return r.fail("Couldn't write to '%s': %s", path, cstr.Strerror(err))
	}
	if err := f.Close(); err != nil {
		return r.fail("Couldn't write to '%s': %s", path, cstr.Strerror(err))
	}
	return nil
}

func trunc32(s string) string {
	if len(s) > 32 {
		return s[:32]
	}
	return s
}

// loadKey reads a key file as fwup does: its first Base64-length bytes.
func (r *run) loadKey(path, kind string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, r.fail("Error opening %s key file '%s': %s", kind, path, cstr.Strerror(err))
	}
	defer f.Close()
	buf := make([]byte, (n+2)/3*4)
	m, _ := io.ReadFull(f, buf)
	return buf[:m], nil
}

func (r *run) loadPublic(path string) (ed25519.PublicKey, error) {
	b, err := r.loadKey(path, "public", ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	k, err := keys.ParsePublic(b)
	if err != nil {
		return nil, r.fail("Error reading or decoding public key from file '%s'", path)
	}
	return k, nil
}

func (r *run) loadPrivate(path string) (ed25519.PrivateKey, error) {
	b, err := r.loadKey(path, "private", ed25519.PrivateKeySize)
	if err != nil {
		return nil, err
	}
	k, err := keys.ParsePrivate(b)
	if err != nil {
		return nil, r.fail("Error reading or decoding private key from file '%s'", path)
	}
	return k, nil
}

func (r *run) parsePublic(s string) (ed25519.PublicKey, error) {
	k, err := keys.ParsePublic([]byte(s))
	if err != nil {
		return nil, r.fail("Error decoding public key")
	}
	return k, nil
}

func (r *run) parsePrivate(s string) (ed25519.PrivateKey, error) {
	k, err := keys.ParsePrivate([]byte(s))
	if err != nil {
		return nil, r.fail("Error decoding private key")
	}
	return k, nil
}
