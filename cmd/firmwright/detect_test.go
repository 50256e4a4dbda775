package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/mmc"
)

// fakeCards is a machine whose /dev and /sys hold the named disks: sdb
// removable (a card), sda fixed (the system disk). Device numbers come
// from a table, as stat(2) would give them (following symlinks).
func fakeCards(t *testing.T, cards ...string) *mmc.System {
	root, _ := filepath.EvalSymlinks(t.TempDir())
	ids := map[string]mmc.DeviceIDs{}
	write := func(p, content string) {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(content), 0o644)
	}
	disk := func(name string, minor uint32, size int64, removable string) {
		write("/dev/"+name, "")
		os.Truncate(filepath.Join(root, "dev", name), size)
		ids["/dev/"+name] = mmc.DeviceIDs{Rdev: mmc.Mkdev(8, minor)}
		write("/sys/block/"+name+"/size", "0\n")
		write("/sys/block/"+name+"/removable", removable+"\n")
	}
	disk("sda", 0, 64<<30, "0")
	for i, c := range cards {
		disk(c, uint32(16*(i+1)), 15931539456, "1")
	}
	return &mmc.System{
		Root:    root,
		RootDev: func() (uint64, error) { return mmc.Mkdev(8, 1), nil },
		Stat: func(p string) (mmc.DeviceIDs, error) {
			p, err := filepath.EvalSymlinks(p) // stat(2) follows links
			if err != nil {
				return mmc.DeviceIDs{}, err
			}
			return ids["/"+strings.TrimPrefix(strings.TrimPrefix(p, root), "/")], nil
		},
	}
}

func runWithCards(t *testing.T, cards *mmc.System, stdin string, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	sys := &system{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Env: map[string]string{},
		Now: func() time.Time { return time.Unix(1700000000, 0) }, Cards: cards}
	code := run(sys, append([]string{"fwup"}, args...))
	return out.String(), errb.String(), code
}

// TestDetectCards: -D lists removable disks (never the system disk), -z
// names the only one or fails, and applying without -d asks first.
func TestDetectCards(t *testing.T) {
	one := fakeCards(t, "sdb")
	if out, _, code := runWithCards(t, one, "", "-D"); out != "/dev/sdb,15931539456\n" || code != 0 {
		t.Errorf("-D: %q exit %d", out, code)
	}
	if out, _, code := runWithCards(t, one, "", "-z"); out != "/dev/sdb\n" || code != 0 {
		t.Errorf("-z: %q exit %d", out, code)
	}
	if out, _, code := runWithCards(t, fakeCards(t), "", "-z"); out != "fwup: No memory cards found. Try reinserting the card.\n" || code != 1 {
		t.Errorf("-z, no card: %q exit %d", out, code)
	}
	if out, errOut, code := runWithCards(t, fakeCards(t, "sdb", "sdc"), "", "-z"); out != "" || code != 1 ||
		!strings.HasPrefix(errOut, "Too many possible memory cards found:") {
		t.Errorf("-z, two cards: %q %q exit %d", out, errOut, code)
	}
	fw := refPath(t, "ref-signed.fw")
	out, errOut, code := runWithCards(t, one, "n\n", fw)
	if errOut != "Use 15.93 GB memory card found at /dev/sdb? [y/N] " || out != "fwup: aborted by user\n" || code != 1 {
		t.Errorf("easy mode, answered n: %q %q exit %d", out, errOut, code)
	}
	out, _, code = runWithCards(t, one, "", "-a", "-t", "complete")
	if !strings.HasPrefix(out, "fwup: Cannot confirm use of /dev/sdb when using stdin.") || code != 1 {
		t.Errorf("stdin without -y: %q exit %d", out, code)
	}
}
