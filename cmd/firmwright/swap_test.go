package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firmwright/firmwright/fwup/mmc"
)

// swapOnRead stands for a user who swaps the card and then answers the
// prompt: the first read calls swap.
type swapOnRead struct {
	r    io.Reader
	swap func()
}

func (s *swapOnRead) Read(p []byte) (int, error) {
	if s.swap != nil {
		s.swap()
		s.swap = nil
	}
	return s.r.Read(p)
}

// cardWithMounts is fakeCards(t, "sdb") with an empty /proc/mounts, so
// that a write gets as far as the open; swap puts a 1 GiB card in sdb's
// reader (the fake node shrinks to it).
func cardWithMounts(t *testing.T) (cards *mmc.System, swap func()) {
	cards = fakeCards(t, "sdb")
	os.MkdirAll(filepath.Join(cards.Root, "proc"), 0o755)
	os.WriteFile(filepath.Join(cards.Root, "proc/mounts"), nil, 0o644)
	node := filepath.Join(cards.Root, "dev/sdb")
	return cards, func() { os.Truncate(node, 1<<30) }
}

// runSwapping runs args with the card swapped as the user answers y.
func runSwapping(cards *mmc.System, swap func(), args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	sys := &system{Stdin: &swapOnRead{r: strings.NewReader("y\n"), swap: swap}, Stdout: &out, Stderr: &errb,
		Env: map[string]string{}, Now: func() time.Time { return time.Unix(1700000000, 0) }, Cards: cards}
	code := run(sys, args)
	return out.String(), errb.String(), code
}

// written says whether anything but zeros is in the first MiB of the
// fake card.
func written(t *testing.T, cards *mmc.System) bool {
	f, err := os.Open(filepath.Join(cards.Root, "dev/sdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 1<<20)
	io.ReadFull(f, head)
	return !bytes.Equal(head, make([]byte, len(head)))
}

// TestSwappedCardIsNotWritten: a card swapped after the prompt (in fwup's
// easy mode and in burn) is refused, with exit 1, a message naming the
// device and what changed, and nothing written; the same run without the
// swap writes the card.
func TestSwappedCardIsNotWritten(t *testing.T) {
	fw := refPath(t, "ref-signed.fw")
	const change = "/dev/sdb is not the card that was chosen (size was 15931539456 bytes, now 1073741824 bytes); nothing was written"
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"fwup easy mode", []string{"fwup", fw}},
		{"burn", []string{"firmwright", "burn", "-q", fw}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cards, swap := cardWithMounts(t)
			out, errOut, code := runSwapping(cards, swap, tt.args...)
			if code != 1 || !strings.Contains(out+errOut, change) {
				t.Errorf("swapped: exit %d\nstdout %q\nstderr %q", code, out, errOut)
			}
			if written(t, cards) {
				t.Error("the swapped card was written")
			}
			cards, _ = cardWithMounts(t)
			if _, errOut, code := runSwapping(cards, nil, tt.args...); code != 0 || !written(t, cards) {
				t.Errorf("not swapped: exit %d, written %v: %s", code, written(t, cards), errOut)
			}
		})
	}
}

// TestIsCardFollowsSymlinks: burn --device accepts a card by any of its
// names (a /dev/disk/by-id link), since cards are told by device number.
func TestIsCardFollowsSymlinks(t *testing.T) {
	cards := fakeCards(t, "sdb")
	link := filepath.Join(cards.Root, "dev/disk/by-id/usb-Generic_STORAGE_DEVICE-0:0")
	os.MkdirAll(filepath.Dir(link), 0o755)
	os.Symlink("../../sdb", link)
	sys := &system{Cards: cards}
	if err := sys.IsCard("/dev/disk/by-id/usb-Generic_STORAGE_DEVICE-0:0"); err != nil {
		t.Errorf("a link to the card: %v", err)
	}
	if err := sys.IsCard("/dev/sda"); err == nil {
		t.Error("the system disk passed as a card")
	}
}
