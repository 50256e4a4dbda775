package systems

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBootVocabularyRefused: a system.json whose boot files could not be
// looked up is refused when the system is read, naming the field and
// what was expected.
func TestBootVocabularyRefused(t *testing.T) {
	const head = `"name": "x", "platform": "x", "architecture": "arm", "elf": "aarch64", "kernel": ["Image"]`
	for _, c := range []struct{ json, want string }{
		{`"firmware": [{"variant": "a", "files": {"start": "start4.elf"}}]`, `firmware[0]: files: "start": expected a variable name in capitals`},
		{`"firmware": [{"files": {"START": "start4.elf"}}]`, `firmware[0]: expected a "variant" name and "files"`},
		{`"firmware": [{"variant": "a", "files": {"START": "../start4.elf"}}]`, `firmware[0]: files: START: "../start4.elf": expected a relative path inside images/`},
		{`"device_tree": ["bcm*.dtb"]`, `device_tree: "bcm*.dtb": expected a file name, not a pattern`},
		{`"optional_boot_files": ["/overlays/*.dtbo"]`, `optional_boot_files: "/overlays/*.dtbo": expected a relative path`},
		{`"optional_boot_files": ["overlays/[.dtbo"]`, `optional_boot_files: "overlays/[.dtbo": syntax error in pattern`},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, MetadataFile), []byte("{"+head+", "+c.json+"}"), 0o644)
		os.WriteFile(filepath.Join(dir, "fwup.conf"), nil, 0o644)
		_, err := FromDir(dir)
		if err == nil || !strings.Contains(err.Error(), "system.json: "+c.want) {
			t.Errorf("%s: got %v, want %q", c.json, err, c.want)
		}
	}
}

// TestBuiltInSystemsRead: every embedded system's system.json passes.
func TestBuiltInSystemsRead(t *testing.T) {
	for _, name := range Names() {
		if _, err := Lookup(name); err != nil {
			t.Error(err)
		}
	}
}
