package reffwup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// Path is the real fwup FIRMWRIGHT_REF_FWUP names, or "".
func Path(t testing.TB) string {
	t.Helper()
	p := os.Getenv("FIRMWRIGHT_REF_FWUP")
	if p == "" {
		return ""
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// Recording reports whether this run records (FIRMWRIGHT_RECORD=1 with a
// real fwup).
func Recording(t testing.TB) bool {
	return os.Getenv("FIRMWRIGHT_RECORD") == "1" && Path(t) != ""
}

// Result is what one run of fwup did.
type Result struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr,omitempty"`
	Exit   int    `json:"exit"`
}

// Run runs real fwup in dir.
func Run(t testing.TB, fwup, dir string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(fwup, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
		t.Fatalf("fwup %s: %v", strings.Join(args, " "), err)
	}
	return Result{Stdout: out.String(), Stderr: errb.String(), Exit: cmd.ProcessState.ExitCode()}
}

var files sync.Mutex

// Verdict returns what real fwup did for the named case of the recording
// at path: recorded, or live (see the package comment). live runs real
// fwup (the binary it is given) and returns its verdict, any value that
// JSON carries.
func Verdict[V any](t testing.TB, path, name string, live func(fwup string) V) V {
	t.Helper()
	recorded, have := lookup[V](t, path, name)
	fwup := Path(t)
	if fwup == "" {
		if !have {
			t.Fatalf("%s has no verdict of real fwup for %q: run testdata/record-fwup with FIRMWRIGHT_REF_FWUP set", path, name)
		}
		return recorded
	}
	got := live(fwup)
	if Recording(t) {
		store(t, path, name, got)
		return got
	}
	if !have || !reflect.DeepEqual(got, recorded) {
		t.Errorf("%s: the recorded verdict for %q is not what this fwup does now: re-record with testdata/record-fwup\nrecorded %+v\nlive     %+v", path, name, recorded, got)
	}
	return got
}

func lookup[V any](t testing.TB, path, name string) (V, bool) {
	t.Helper()
	var v V
	files.Lock()
	defer files.Unlock()
	all, err := load(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := all[name]
	if !ok {
		return v, false
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %q: %v", path, name, err)
	}
	return v, true
}

func load(path string) (map[string]json.RawMessage, error) {
	all := map[string]json.RawMessage{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return all, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return all, nil
}

// store writes one verdict into the recording, keeping the others; keys
// come out sorted, so re-recording the same verdicts changes nothing.
func store(t testing.TB, path, name string, v any) {
	t.Helper()
	files.Lock()
	defer files.Unlock()
	all, err := load(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	all[name] = raw
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
