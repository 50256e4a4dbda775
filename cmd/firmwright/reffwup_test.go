package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/fatslack"
)

// refFwup returns the real fwup named by FIRMWRIGHT_REF_FWUP. The tests
// that need it are skipped when it is unset, on CI too: it is a tool
// built from source, not a package.
func refFwup(t *testing.T) string {
	t.Helper()
	path := os.Getenv("FIRMWRIGHT_REF_FWUP")
	if path == "" {
		t.Skip("FIRMWRIGHT_REF_FWUP (a real fwup) not set")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// runRef runs real fwup in dir and returns its stdout, stderr and exit
// code.
func runRef(t *testing.T, fwup, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(fwup, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
		t.Fatalf("fwup %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// cliOutput returns what cli-outputs.txt records for command (the text
// after "$ "), up to its rc= line or the next command.
func cliOutput(t *testing.T, command string) string {
	t.Helper()
	text, err := os.ReadFile(refDir + "/cli-outputs.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(text), "$ "+command+"\n")
	if !ok {
		t.Fatalf("cli-outputs.txt has no %q", command)
	}
	var out strings.Builder
	for line := range strings.Lines(rest) {
		if strings.HasPrefix(line, "$ ") || strings.HasPrefix(line, "rc=") {
			break
		}
		out.WriteString(line)
	}
	return out.String()
}

// TestRefFwupAcceptsOurs creates signed archives with firmwright from the
// reference configs and hands them to real fwup, which must verify them,
// list and print them as it does its own archive of the same config, and
// apply them to exactly the reference images (FAT slack masked).
func TestRefFwupAcceptsOurs(t *testing.T) {
	fwup := refFwup(t)
	ref, err := filepath.Abs(refDir)
	if err != nil {
		t.Fatal(err)
	}
	misc := miscInputs(t, ref+"/misc")
	verified := cliOutput(t, "fwup -V -p fwup-key.pub -i ref-signed.fw")
	sums, err := fatslack.ReadSums(ref + "/images.masked.sha256")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, conf, refFw, epoch, image string
	}{
		{"rpi", ref, "fwup.conf", ref + "/ref-signed.fw", "1700000000", "complete.img"},
		// misc.fw was made with SOURCE_DATE_EPOCH=0 (its creation date is 1970-01-01).
		{"misc", misc, "misc.conf", ref + "/misc/misc.fw", "0", "misc/gpt.img"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantSum, ok := sums[tc.image]
			if !ok {
				t.Fatalf("images.masked.sha256 has no %s", tc.image)
			}
			out := t.TempDir()
			ours := out + "/ours.fw"
			t.Chdir(tc.dir)
			env := map[string]string{"SOURCE_DATE_EPOCH": tc.epoch}
			if stdout, stderr, code := runCLI(t, env, "fwup", "-c", "-f", tc.conf, "-s", ref+"/fwup-key.priv", "-o", ours); code != 0 {
				t.Fatalf("firmwright create: exit %d: %s%s", code, stdout, stderr)
			}

			stdout, stderr, code := runRef(t, fwup, out, "-V", "-p", ref+"/fwup-key.pub", "-i", ours)
			if stdout != verified || code != 0 {
				t.Errorf("fwup -V: %q (exit %d, stderr %q), want %q (exit 0)", stdout, code, stderr, verified)
			}
			for _, args := range [][]string{{"-l"}, {"-m"}} {
				got, gotErr, gotCode := runRef(t, fwup, out, append(args, "-i", ours)...)
				want, wantErr, wantCode := runRef(t, fwup, out, append(args, "-i", tc.refFw)...)
				if got != want || gotErr != wantErr || gotCode != wantCode {
					t.Errorf("fwup %s on ours:\n%s%s(exit %d)\non %s:\n%s%s(exit %d)", args[0], got, gotErr, gotCode, filepath.Base(tc.refFw), want, wantErr, wantCode)
				}
			}

			img := out + "/x.img"
			if stdout, stderr, code := runRef(t, fwup, out, "-a", "-d", img, "-i", ours, "-t", "complete"); code != 0 {
				t.Fatalf("fwup -a: exit %d: %s%s", code, stdout, stderr)
			}
			data, err := os.ReadFile(img)
			if err != nil {
				t.Fatal(err)
			}
			if got := fatslack.MaskedSHA256(data); got != wantSum {
				t.Errorf("masked sha256 of the applied image %s, want %s (%s)", got, wantSum, tc.image)
			}
		})
	}
}

// miscInputs copies misc.conf's inputs from the fixture directory src to a
// temporary directory, recreating the holes of sparse.bin (which git
// stores as data; misc.fw's meta.conf records them as length =
// {8192, 401408, 4096, 634880}: data, hole, data, hole).
func miscInputs(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"misc.conf", "empty.bin", "sparse.bin"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		runs := []int64{int64(len(data))}
		if name == "sparse.bin" {
			runs = []int64{8192, 401408, 4096, 634880}
		}
		var off int64
		for i, n := range runs {
			if i%2 == 0 {
				if _, err := f.WriteAt(data[off:off+n], off); err != nil {
					t.Fatal(err)
				}
			} else if !allZero(data[off : off+n]) {
				t.Fatalf("%s: the hole at %d holds data", name, off)
			}
			off += n
		}
		if err := f.Truncate(off); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func allZero(b []byte) bool {
	return len(bytes.Trim(b, "\x00")) == 0
}
