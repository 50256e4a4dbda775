package cmdline

import (
	"strings"
	"testing"

	"github.com/firmwright/firmwright/fwup/mmc"
)

func TestFormatSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0.00 bytes"},
		{512, "512.00 bytes"},
		{999, "999.00 bytes"},
		{1000, "1.00 KB"},
		{1 << 20, "1.05 MB"},
		{gb16, "15.93 GB"},
		{7948206080, "7.95 GB"},
		{999999999999, "1000.00 GB"},
		{2e12, "2.00 TB"},
		{1005, "1.00 KB"}, // 1.005 is below half in binary
		{1015, "1.01 KB"}, // 1.015 likewise
		{1125, "1.12 KB"}, // exact half: round to even
		{1135, "1.14 KB"}, // exact half: round to even
	}
	for _, tt := range tests {
		if got := FormatSize(tt.n); got != tt.want {
			t.Errorf("FormatSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestSelectionTexts(t *testing.T) {
	sdc := mmc.Card{Path: "/dev/sdc", Size: gb16}
	mmcblk := mmc.Card{Path: "/dev/mmcblk0", Size: 1 << 30}
	tests := []struct{ got, want string }{
		{DetectOutput(nil), ""},
		{DetectOutput([]mmc.Card{sdc, mmcblk}), "/dev/sdc,15931539456\n/dev/mmcblk0,1073741824\n"},
		{SelectedOutput(sdc), "/dev/sdc\n"},
		{ConfirmPrompt(sdc), "Use 15.93 GB memory card found at /dev/sdc? [y/N] "},
		{TooManyCardsText([]mmc.Card{sdc, mmcblk, {Path: "/dev/disk2", Size: 1e9, Name: "Card Reader"}}),
			"Too many possible memory cards found: \n" +
				"  /dev/sdc (15.93 GB)\n" +
				"  /dev/mmcblk0 (1.07 GB)\n" +
				"  /dev/disk2 (1.00 GB; Card Reader)\n" +
				"Automatic selection not possible. Specify one using the -d option.\n"},
		{StdinConfirmMessage(sdc), "Cannot confirm use of /dev/sdc when using stdin.\nRerun with -y if location is correct."},
		{NoCardsMessage, "No memory cards found. Try reinserting the card."},
		{AbortedMessage, "aborted by user"},
		{SizeUnknownMessage("/dev/sdc"), "Error determining the size of /dev/sdc"},
		{OpenFailedMessage("/dev/sdc", true), "Cannot open '/dev/sdc' for output.\nCheck file permissions or the read-only tab if this is an SD Card."},
		{OpenFailedMessage("/x/y.img", false), "Cannot create '/x/y.img'.\nCheck the path and permissions on the containing directory."},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestConfirmed(t *testing.T) {
	for answer, want := range map[string]bool{
		"y\n": true, "Y": true, "yes\n": true, "n\n": false, "\n": false, "": false, " y": false, "N": false,
	} {
		if got := Confirmed(strings.NewReader(answer)); got != want {
			t.Errorf("Confirmed(%q) = %v, want %v", answer, got, want)
		}
	}
}

const gb16 = 15931539456 // a "16 GB" card: 31116288 blocks
