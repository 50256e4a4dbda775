package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNativeKeyFiles(t *testing.T) {
	dir := t.TempDir()
	pub, priv, err := Generate(strings.NewReader(strings.Repeat("k", 64)))
	if err != nil {
		t.Fatal(err)
	}
	pubPath, privPath := filepath.Join(dir, "k.pub"), filepath.Join(dir, "k.priv")
	os.WriteFile(pubPath, Encode(pub), 0o600)
	os.WriteFile(privPath, Encode(priv), 0o600)
	if k, err := ReadSigningKey(privPath); err != nil || !k.Equal(priv) {
		t.Errorf("ReadSigningKey: %v", err)
	}
	if ks, err := ReadCheckingKeys([]string{pubPath, pubPath}); err != nil || len(ks) != 2 || !ks[0].Equal(pub) {
		t.Errorf("ReadCheckingKeys: %v", err)
	}
	// A private key whose public half is another key's.
	bad := append(append([]byte{}, priv[:32]...), make([]byte, 32)...)
	badPath := filepath.Join(dir, "bad.priv")
	os.WriteFile(badPath, Encode(bad), 0o600)
	if _, err := ReadSigningKey(badPath); err == nil || !strings.HasPrefix(err.Error(), badPath+": private key: ") {
		t.Errorf("mismatched halves: %v", err)
	}
	if _, err := ReadCheckingKey(privPath); err == nil || !strings.HasPrefix(err.Error(), privPath+": public key: ") {
		t.Errorf("a private key as a public one: %v", err)
	}
	many := make([]string, MaxPublicKeys+1)
	if _, err := ReadCheckingKeys(many); err == nil {
		t.Error("more keys than fwup keeps were accepted")
	}
}
