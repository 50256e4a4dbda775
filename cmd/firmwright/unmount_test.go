package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestFwupUnmountsASymlinkedDevice: fwup mode's -d given as a link to the
// card unmounts what is mounted from the card, and only that (not sdbb,
// whose name the card's is a prefix of), before writing.
func TestFwupUnmountsASymlinkedDevice(t *testing.T) {
	cards := fakeCards(t, "sdb", "sdbb")
	link := filepath.Join(cards.Root, "dev/disk/by-id/usb-card")
	os.MkdirAll(filepath.Dir(link), 0o755)
	os.Symlink("../../sdb", link)
	os.MkdirAll(filepath.Join(cards.Root, "proc"), 0o755)
	os.WriteFile(filepath.Join(cards.Root, "proc/mounts"),
		[]byte("/dev/sdbb /media/other ext4 rw 0 0\n/dev/sdb /media/card vfat rw 0 0\n"), 0o644)
	var unmounted []string
	cards.Umount = func(p string) error { unmounted = append(unmounted, p); return nil }
	fw := refPath(t, "ref-signed.fw")
	if _, errOut, code := runWithCards(t, cards, "", "-a", "-q", "-i", fw, "-t", "complete", "-d", "/dev/disk/by-id/usb-card"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !reflect.DeepEqual(unmounted, []string{"/media/card"}) {
		t.Errorf("unmounted %q, want only /media/card", unmounted)
	}
	if !written(t, cards) {
		t.Error("the card was not written")
	}
}
