package mmc

import (
	"errors"
	"strings"

	"github.com/firmwright/firmwright/internal/cstr"
)

const (
	// mountsLineLen is the fgets buffer fwup reads /proc/mounts with: longer
	// lines arrive in pieces of at most mountsLineLen-1 bytes, each parsed
	// as a line of its own.
	mountsLineLen = 512
	// Widths of fwup's sscanf("%63s %255s"): longer fields are cut and the
	// rest of the device name spills into the mount point.
	mountsDeviceWidth     = 63
	mountsMountPointWidth = 255
	// maxMountsPerDevice is how many mount points fwup will collect.
	maxMountsPerDevice = 64
)

// ErrMountedTooManyTimes is fwup's error (errx body, hence the capital) when
// a device has more mount points than it collects.
var ErrMountedTooManyTimes = errors.New("Device mounted too many times")

// mountPointsOf returns the unescaped mount points, in file order, of every
// /proc/mounts entry for which on(source, point) holds, read as fwup reads
// the file. (fwup's own test is that the source starts with the device's
// name, so /dev/loop1 matched /dev/loop10; UnmountAll passes a test by
// device identity instead.)
func mountPointsOf(mounts string, on func(source, point string) bool) ([]string, error) {
	var points []string
	for _, line := range fgetsLines(mounts, mountsLineLen) {
		dev, rest, ok := scanField(cstr.String(line), mountsDeviceWidth)
		if !ok {
			continue
		}
		point, _, ok := scanField(rest, mountsMountPointWidth)
		if !ok {
			continue
		}
		point = unescapeMountField(point)
		if !on(dev, point) {
			continue
		}
		if len(points) == maxMountsPerDevice {
			return nil, ErrMountedTooManyTimes
		}
		points = append(points, point)
	}
	return points, nil
}

// fgetsLines splits text as repeated fgets(buf, size) calls return it: up to
// and including a newline, or size-1 bytes, whichever comes first.
func fgetsLines(text string, size int) []string {
	var lines []string
	for text != "" {
		n := min(len(text), size-1)
		if i := strings.IndexByte(text[:n], '\n'); i >= 0 {
			n = i + 1
		}
		lines = append(lines, text[:n])
		text = text[n:]
	}
	return lines
}

// scanField is one sscanf "%Ns" conversion: skip white space, then take up
// to width non-space bytes. ok is false if no byte was taken.
func scanField(s string, width int) (field, rest string, ok bool) {
	i := 0
	for i < len(s) && cstr.IsSpace(s[i]) {
		i++
	}
	j := i
	for j < len(s) && j-i < width && !cstr.IsSpace(s[j]) {
		j++
	}
	return s[i:j], s[j:], j > i
}

// cEscapes are the single-letter backslash escapes fwup's unescape_string
// knows; any other escaped byte stands for itself.
var cEscapes = map[byte]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

// unescapeMountField undoes the kernel's escaping in /proc/mounts ("\040" is
// a space) exactly as fwup's unescape_string does, including its quirk: a
// digit after a backslash takes up to two more bytes, and the third byte is
// taken whenever it is an octal digit even if the second is not ("\1a7"
// reads "\1a" as 1*8+('a'-'0')). A NUL produced by an escape ends the
// result, as it ends fwup's C string.
func unescapeMountField(s string) string {
	var out []byte
	for i := 0; i < len(s); {
		c := s[i]
		i++
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i == len(s) {
			break // fwup copies the terminating NUL here: the string ends
		}
		c = s[i]
		switch {
		case isOctal(c):
			digits := 0
			if i+1 < len(s) && isOctal(s[i+1]) {
				digits++
			}
			if i+2 < len(s) && isOctal(s[i+2]) {
				digits++
			}
			v := int(c - '0')
			i++
			for ; digits > 0; digits-- {
				v = v*8 + int(s[i]) - '0'
				i++
			}
			out = append(out, byte(v))
		case cEscapes[c] != 0:
			out = append(out, cEscapes[c])
			i++
		default:
			out = append(out, c)
			i++
		}
	}
	return cstr.String(string(out))
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
