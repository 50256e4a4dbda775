package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestKeyForms accepts every form fwup accepts: its key files, with and
// without a trailing newline, raw bytes, and unpadded Base64.
func TestKeyForms(t *testing.T) {
	pubFile, err := os.ReadFile(fwtest.Ref(t, "fwup-key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	privFile, err := os.ReadFile(fwtest.Ref(t, "fwup-key.priv"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublic(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivate(privFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range [][]byte{append(pubFile, '\n'), pub, []byte(base64.RawStdEncoding.EncodeToString(pub))} {
		if k, err := ParsePublic(form); err != nil || !bytes.Equal(k, pub) {
			t.Errorf("public key form %q: %v", form, err)
		}
	}
	for _, form := range [][]byte{append(privFile, '\n'), priv, []byte(base64.RawStdEncoding.EncodeToString(priv))} {
		if k, err := ParsePrivate(form); err != nil || !bytes.Equal(k, priv) {
			t.Errorf("private key form: %v", err)
		}
	}
	if !bytes.Equal(Encode(pub), pubFile) || !bytes.Equal(Encode(priv), privFile) {
		t.Error("Encode does not reproduce fwup's key files")
	}
	meta := []byte("meta-product=x\n")
	sig := Sign(priv, meta)
	_, other, _ := Generate(bytes.NewReader(make([]byte, 64)))
	if !Verify([]ed25519.PublicKey{other.Public().(ed25519.PublicKey), pub}, meta, sig) {
		t.Error("a good signature among several keys did not verify")
	}
	if Verify([]ed25519.PublicKey{pub}, append(meta, ' '), sig) {
		t.Error("a signature verified over other bytes")
	}
	for _, bad := range []string{"", "abc", string(pubFile[:40]), "!!!!" + string(pubFile[4:])} {
		if _, err := ParsePublic([]byte(bad)); err == nil {
			t.Errorf("%q read as a public key", bad)
		}
	}
}

// TestMismatchedPrivateKey: fwup takes any 64 bytes as a private key
// (its test 132); CheckPrivate is what catches a damaged one.
func TestMismatchedPrivateKey(t *testing.T) {
	_, priv, _ := Generate(bytes.NewReader(make([]byte, 32)))
	bad := append(ed25519.PrivateKey(nil), priv...)
	bad[40] ^= 1
	k, err := ParsePrivate(Encode(bad))
	if err != nil || !bytes.Equal(k, bad) {
		t.Fatalf("ParsePrivate: %v", err)
	}
	if CheckPrivate(k) == nil || CheckPrivate(priv) != nil {
		t.Error("CheckPrivate does not tell the keys apart")
	}
}

// TestReadKeyFiles: what fwup reads of a key file (its first Base64
// bytes), and the two ways it fails.
func TestReadKeyFiles(t *testing.T) {
	dir := t.TempDir()
	pub := fwtest.ReadFile(t, fwtest.Ref(t, "fwup-key.pub"))
	os.WriteFile(dir+"/trailing.pub", append(append([]byte{}, pub...), "\nwhatever follows\n"...), 0o644)
	os.WriteFile(dir+"/short.pub", pub[:20], 0o644)
	if k, err := ReadPublicFile(dir + "/trailing.pub"); err != nil || len(k) != 32 {
		t.Errorf("a key with text after it: %v", err)
	}
	var de *DecodeError
	for _, p := range []string{dir + "/short.pub", dir} {
		if _, err := ReadPublicFile(p); !errors.As(err, &de) {
			t.Errorf("%s: %v, want a DecodeError", p, err)
		}
	}
	if _, err := ReadPrivateFile(dir + "/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}
