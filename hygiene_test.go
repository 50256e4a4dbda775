package firmwright

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestRepositoryHygiene: what the README's commands leave behind is
// ignored by git and kept out of docker build's context, and the
// repository holds no build outputs: no ELF binary outside testdata/ and
// no file over 1 MB.
func TestRepositoryHygiene(t *testing.T) {
	for file, want := range map[string][]string{
		".gitignore":    {"/out/", "/out-qemu/", "/firmwright", "/cmd/firmwright/firmwright"},
		".dockerignore": {".git", "/out/", "/out-qemu/", "*.img"},
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		lines := strings.Split(string(data), "\n")
		for _, w := range want {
			found := false
			for _, l := range lines {
				found = found || strings.TrimSpace(l) == w
			}
			if !found {
				t.Errorf("%s lacks %s", file, w)
			}
		}
	}
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v)", err)
	}
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		fi, err := os.Stat(name)
		if err != nil {
			continue // deleted in the work tree
		}
		if fi.Size() > 1<<20 {
			t.Errorf("%s is %d bytes: over 1 MB", name, fi.Size())
		}
		if strings.Contains("/"+name, "/testdata/") {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		head := make([]byte, 4)
		f.Read(head)
		f.Close()
		if bytes.Equal(head, []byte("\x7fELF")) {
			t.Errorf("%s is an ELF binary: build outputs stay out of the repository", name)
		}
	}
}
