package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.img")
	if err := Write(out, 0o640, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "whole" {
		t.Errorf("wrote %q", b)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", fi.Mode())
	}
	// A failing fill leaves the old file and no temporary one; its
	// error names the output, not the temporary name.
	err := Write(out, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half")
		return &os.PathError{Op: "write", Path: w.(*os.File).Name(), Err: errors.New("no space left on device")}
	})
	if err == nil || err.Error() != "write "+out+": no space left on device" {
		t.Errorf("error %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "whole" {
		t.Errorf("the failed write changed the file: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files left", len(entries))
	}
}

// TestCreateNamesThePath: a folder that cannot hold the output is named
// as the output, not as the temporary name.
func TestCreateNamesThePath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "missing", "x.fw")
	_, err := Create(out, 0o644)
	if err == nil || !strings.HasPrefix(err.Error(), "create "+out+": ") || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %v", err)
	}
}

func TestAbortAfterCommit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x")
	f, err := Create(out, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // as a deferred Abort does
	if _, err := os.Stat(out); err != nil {
		t.Errorf("Abort after Commit removed the file: %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

// TestCommitAll: files committed together are all in place, with their
// modes; when one cannot be synced (it was closed), none is renamed and
// no temporary file is left.
func TestCommitAll(t *testing.T) {
	dir := t.TempDir()
	a, _ := Create(filepath.Join(dir, "a"), 0o600)
	b, _ := Create(filepath.Join(dir, "b"), 0o644)
	a.WriteString("A")
	b.WriteString("B")
	if err := CommitAll(a, b); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "A", "b": "B"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, "a")); fi.Mode().Perm() != 0o600 {
		t.Errorf("a: mode %v, want 0600", fi.Mode().Perm())
	}

	c, _ := Create(filepath.Join(dir, "c"), 0o644)
	d, _ := Create(filepath.Join(dir, "d"), 0o644)
	d.File.Close()
	err := CommitAll(c, d)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "d")) || strings.Contains(err.Error(), ".tmp-") {
		t.Fatalf("error %v, want one naming d and not its temporary name", err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 2 {
		t.Errorf("after a failed CommitAll the folder holds %d files, want a and b only", len(left))
	}
}
