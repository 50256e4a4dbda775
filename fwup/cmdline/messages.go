package cmdline

import (
	"fmt"
	"io"
	"strings"

	"github.com/firmwright/firmwright/fwup/mmc"
)

// Texts of fwup's card selection (fwup.c). Error texts are fwup_errx bodies:
// the CLI prints them as "fwup: TEXT\n" on stdout (or frames them) and exits 1.
const (
	// NoCardsMessage: -z, or -a/easy mode without -d, found nothing.
	NoCardsMessage = "No memory cards found. Try reinserting the card."
	// AbortedMessage: the answer to ConfirmPrompt was not y or Y.
	AbortedMessage = "aborted by user"
)

// DetectOutput is what -D prints on stdout (as one success output): a line
// "path,size_in_bytes" per card, or nothing.
func DetectOutput(cards []mmc.Card) string {
	var b strings.Builder
	for _, c := range cards {
		fmt.Fprintf(&b, "%s,%d\n", c.Path, c.Size)
	}
	return b.String()
}

// SelectedOutput is what -z prints on stdout for the single card found.
func SelectedOutput(c mmc.Card) string { return c.Path + "\n" }

// TooManyCardsText is what fwup writes to stderr, before exiting 1 without
// any other message, when more than one card was found.
func TooManyCardsText(cards []mmc.Card) string {
	var b strings.Builder
	b.WriteString("Too many possible memory cards found: \n")
	for _, c := range cards {
		name := ""
		if c.Name != "" {
			name = "; " + c.Name
		}
		fmt.Fprintf(&b, "  %s (%s%s)\n", c.Path, FormatSize(c.Size), name)
	}
	b.WriteString("Automatic selection not possible. Specify one using the -d option.\n")
	return b.String()
}

// ConfirmPrompt is the question fwup writes to stderr (no newline) before
// applying to an auto-detected card without -y, e.g.
// "Use 15.93 GB memory card found at /dev/sdc? [y/N] ".
func ConfirmPrompt(c mmc.Card) string {
	return fmt.Sprintf("Use %s memory card found at %s? [y/N] ", FormatSize(c.Size), c.Path)
}

// Confirmed reads the answer to ConfirmPrompt as fwup does: only the first
// byte counts, and it must be y or Y.
func Confirmed(answer io.Reader) bool {
	var b [1]byte
	n, _ := io.ReadFull(answer, b[:])
	return n == 1 && (b[0] == 'y' || b[0] == 'Y')
}

// StdinConfirmMessage is the error when the firmware comes from stdin, so
// the prompt cannot be answered, and -y was not given.
func StdinConfirmMessage(c mmc.Card) string {
	return fmt.Sprintf("Cannot confirm use of %s when using stdin.\nRerun with -y if location is correct.", c.Path)
}

// SizeUnknownMessage is the warning when a device's size cannot be found
// (Device.Size returned 0); fwup goes on without a size.
func SizeUnknownMessage(devicePath string) string {
	return fmt.Sprintf("Error determining the size of %s", devicePath)
}

// OpenFailedMessage is the error when the output cannot be opened; fwup first
// writes "\n" to stderr. exists says whether the path exists.
func OpenFailedMessage(devicePath string, exists bool) string {
	if exists {
		return fmt.Sprintf("Cannot open '%s' for output.\nCheck file permissions or the read-only tab if this is an SD Card.", devicePath)
	}
	return fmt.Sprintf("Cannot create '%s'.\nCheck the path and permissions on the containing directory.", devicePath)
}

// Decimal units fwup picks for human-readable sizes (find_natural_units).
var sizeUnits = []struct {
	bytes int64
	name  string
}{
	{1e12, "TB"},
	{1e9, "GB"},
	{1e6, "MB"},
	{1e3, "KB"},
	{1, "bytes"},
}

// FormatSize prints a byte count as fwup's format_pretty_auto does: in the
// largest decimal unit not above it, with two decimals ("15.93 GB",
// "512.00 bytes").
func FormatSize(n int64) string {
	unit := sizeUnits[len(sizeUnits)-1]
	for _, u := range sizeUnits {
		if n >= u.bytes {
			unit = u
			break
		}
	}
	return fmt.Sprintf("%.2f %s", float64(n)/float64(unit.bytes), unit.name)
}
