package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs the CLI in-process with the given arguments.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	sys := &system{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Env: env,
		Now: func() time.Time { return time.Unix(1700000000, 0) }, Rand: bytes.NewReader(make([]byte, 64))}
	if len(args) > 0 && args[0] == "fwup" {
		code = run(sys, args)
	} else {
		code = run(sys, append([]string{"firmwright"}, args...))
	}
	return out.String(), errb.String(), code
}

// TestBrokenConfigs feeds configs with one mistake each through fwup mode
// and compares stdout, stderr and exit status with what fwup 1.16.0 printed
// for them (recorded next to each config), then through `firmwright
// create`, which must name the file (and line). Neither may leave a file
// at the -o path.
func TestBrokenConfigs(t *testing.T) {
	dir, err := filepath.Abs("../../fwup/testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	confs, _ := filepath.Glob("*.conf")
	if len(confs) < 30 {
		t.Fatalf("only %d broken configs", len(confs))
	}
	out := t.TempDir()
	for _, c := range confs {
		name := strings.TrimSuffix(c, ".conf")
		t.Run(name, func(t *testing.T) {
			fw := filepath.Join(out, name+".fw")
			stdout, stderr, code := runCLI(t, map[string]string{}, "fwup", "-c", "-f", c, "-o", fw)
			want := func(ext string) string {
				b, err := os.ReadFile(name + ext)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			if stdout != want(".stdout") || stderr != want(".stderr") {
				t.Errorf("fwup mode printed\n stdout %q\n stderr %q\nfwup printed\n stdout %q\n stderr %q", stdout, stderr, want(".stdout"), want(".stderr"))
			}
			if code != 1 || strings.TrimSpace(want(".rc")) != "1" {
				t.Errorf("exit %d, fwup exited %s", code, want(".rc"))
			}
			if _, err := os.Stat(fw); err == nil {
				t.Errorf("fwup mode left %s", fw)
			}

			_, stderr, code = runCLI(t, map[string]string{}, "create", "-o", fw, c)
			if code != 1 || !strings.Contains(stderr, ".conf") {
				t.Errorf("create: exit %d, message %q does not name the config", code, stderr)
			}
			if _, err := os.Stat(fw); err == nil {
				t.Errorf("create left %s", fw)
			}
		})
	}
}
