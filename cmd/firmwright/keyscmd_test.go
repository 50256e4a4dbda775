package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fwtest"
)

// TestKeygenKeepsPairs: keygen writes a pair; with either half already
// there it writes neither and says which file is in the way.
func TestKeygenKeepsPairs(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "k")
	if _, stderr, code := runCLI(t, nil, "keygen", "-o", prefix); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	pub, priv := fwtest.ReadFile(t, prefix+".pub"), fwtest.ReadFile(t, prefix+".priv")
	for _, missing := range []string{".pub", ".priv"} {
		os.Remove(prefix + missing)
		present := map[string]string{".pub": ".priv", ".priv": ".pub"}[missing]
		_, stderr, code := runCLI(t, nil, "keygen", "-o", prefix)
		if code != 1 || !strings.Contains(stderr, prefix+present+" already exists") {
			t.Errorf("with %s missing: exit %d, %q", missing, code, stderr)
		}
		if _, err := os.Stat(prefix + missing); !os.IsNotExist(err) {
			t.Errorf("with %s missing, keygen wrote it (%v)", missing, err)
		}
		os.WriteFile(prefix+".pub", pub, 0o600)
		os.WriteFile(prefix+".priv", priv, 0o600)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left %d files in the folder", len(entries))
	}
}
