package meta

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/internal/cstr"
)

// Meta is what the front of an archive says: meta.conf, its signature, and
// what fwup derives from them.
type Meta struct {
	Conf      []byte
	Signature []byte // nil when unsigned
	Created   time.Time
	UUID      string
	Nickname  string
	Config    *conf.Section // meta.conf parsed as a device parses it
	// Verified is true when public keys were given and one matched.
	Verified bool
}

// Read reads the signature (if any) and meta.conf from the start of an
// archive, checks the signature against keys when any are given (as fwup
// does: none given means no check), and parses meta.conf with env as the
// device environment (FWUP_META_UUID and FWUP_META_NICKNAME are added). name
// is the input's name for messages.
func Read(zr *archive.Reader, name string, pubs []ed25519.PublicKey, env map[string]string) (*Meta, error) {
	return readMeta(zr, name, pubs, env, "at beginning of")
}

// ReadForApply is Read as fwup's apply words a misplaced meta.conf.
func ReadForApply(zr *archive.Reader, name string, pubs []ed25519.PublicKey, env map[string]string) (*Meta, error) {
	return readMeta(zr, name, pubs, env, "at the beginning of")
}

// readMeta is Read with fwup's wording for a misplaced meta.conf,
// which differs between -V ("at the beginning of") and -l/-m.
func readMeta(zr *archive.Reader, name string, pubs []ed25519.PublicKey, env map[string]string, where string) (*Meta, error) {
	m := &Meta{}
	h, err := zr.Next()
	if err != nil {
		return nil, readError(err)
	}
	if h.Name == SignatureName {
		sig, err := ReadEntry(zr, keys.SignatureSize)
		if err != nil {
			return nil, err
		}
		if len(sig) != keys.SignatureSize {
			return nil, fmt.Errorf("Unexpected meta.conf.ed25519 size: %d", len(sig))
		}
		m.Signature = sig
		if h, err = zr.Next(); err != nil {
			return nil, errors.New("Expecting more than meta.conf.ed25519 in archive")
		}
	}
	if h.Name != MetaConfName {
		if name == "" {
			name = "(null)" // what fwup's printf shows for stdin
		}
		return nil, fmt.Errorf("Expecting meta.conf to be %s %s", where, name)
	}
	m.Conf, err = ReadEntry(zr, MaxConfSize)
	if err != nil {
		return nil, err
	}
	if n := len(m.Conf); n < 10 || n >= MaxConfSize {
		return nil, fmt.Errorf("Unexpected meta.conf size: %d", n)
	}
	if len(pubs) > 0 {
		if m.Signature == nil {
			return nil, errors.New("Expecting signed firmware archive.")
		}
		if !keys.Verify(pubs, m.Conf, m.Signature) {
			return nil, errors.New("Firmware archive's meta.conf fails digital signature verification.")
		}
		m.Verified = true
	}
	m.Created = h.Modified
	m.UUID = UUID(m.Conf)
	m.Nickname = Nickname(m.UUID)
	devEnv := make(map[string]string, len(env)+2)
	for k, v := range env {
		devEnv[k] = v
	}
	devEnv["FWUP_META_UUID"] = m.UUID
	devEnv["FWUP_META_NICKNAME"] = m.Nickname
	m.Config, err = conf.Parse(MetaConfName, "", m.Conf, conf.Options{Env: devEnv, Device: true})
	if err != nil {
		return nil, cstr.Errorf(err, "Unexpected error parsing meta.conf")
	}
	// The UUID and nickname are computed, never taken from the archive.
	if (m.Config.Has("meta-uuid") && m.Config.String("meta-uuid") != m.UUID) ||
		(m.Config.Has("meta-nickname") && m.Config.String("meta-nickname") != m.Nickname) ||
		devEnv["FWUP_META_UUID"] != m.UUID || devEnv["FWUP_META_NICKNAME"] != m.Nickname {
		return nil, errors.New("meta.conf isn't allowed to change 'meta-uuid', 'meta-nickname', '$FWUP_META_UUID' or '$FWUP_META_NICKNAME'")
	}

	if err := CheckLengths(m.Config); err != nil {
		return nil, err
	}
	// An archive may need a newer fwup than this one is.
	if err := CheckRequiredVersion(m.Config.String("require-fwup-version")); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadEntry reads the current entry, at most max bytes of it.
func ReadEntry(r io.Reader, max int) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, readError(err)
	}
	return b, nil
}

// readError words archive problems the way a user can act on.
func readError(err error) error {
	if errors.Is(err, io.EOF) {
		return errors.New("Empty archive")
	}
	return err
}

// MetadataKeys are the keys -m prints, in fwup's order.
var MetadataKeys = []string{"meta-product", "meta-description", "meta-version", "meta-author",
	"meta-platform", "meta-architecture", "meta-creation-date", "meta-fwup-version", "meta-misc",
	"meta-vcs-identifier", "meta-uuid", "meta-nickname"}

// Value returns a metadata key as fwup -m reports it, and whether it is set.
func (m *Meta) Value(key string) (string, bool) {
	switch key {
	case "meta-creation-date":
		// An old archive may carry its own in meta.conf.
		if m.Config.Has(key) {
			return m.Config.String(key), true
		}
		return m.Created.UTC().Format("2006-01-02T15:04:05Z"), true
	case "meta-uuid":
		return m.UUID, true
	case "meta-nickname":
		return m.Nickname, true
	}
	if !m.Config.Has(key) {
		return "", false
	}
	return m.Config.String(key), true
}

// Metadata formats the archive's metadata as fwup -m prints it.
func (m *Meta) Metadata() string {
	var b strings.Builder
	for _, k := range MetadataKeys {
		if v, ok := m.Value(k); ok && v != "" {
			b.WriteString(k + "=" + conf.FormatString(v) + "\n")
		}
	}
	return b.String()
}

// Tasks returns the task names sorted as fwup -l lists them.
func (m *Meta) Tasks() []string {
	var names []string
	for _, t := range m.Config.Sections("task") {
		names = append(names, t.Title)
	}
	sort.Strings(names)
	return names
}

// VerifyMessage reports the signature state as fwup -V words it.
func (m *Meta) VerifyMessage() string {
	switch {
	case m.Verified:
		return "Valid archive with a good signature\n"
	case m.Signature != nil:
		return "Valid archive with an unverified signature. Specify a public key to authenticate.\n"
	}
	return "Valid archive without a signature\n"
}
