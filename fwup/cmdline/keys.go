package cmdline

import (
	"crypto/ed25519"
	"errors"
	"fmt"
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

// loadPublic is -p: a key file fwup's way, or fwup's messages.
func (r *run) loadPublic(path string) (ed25519.PublicKey, error) {
	k, err := keys.ReadPublicFile(path)
	return k, r.keyFileError(err, "public", path)
}

// loadPrivate is -s.
func (r *run) loadPrivate(path string) (ed25519.PrivateKey, error) {
	k, err := keys.ReadPrivateFile(path)
	return k, r.keyFileError(err, "private", path)
}

func (r *run) keyFileError(err error, kind, path string) error {
	var de *keys.DecodeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return r.fail("Error reading or decoding %s key from file '%s'", kind, path)
	}
	return r.fail("Error opening %s key file '%s': %s", kind, path, cstr.Strerror(err))
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
