package erlinit

import (
	"fmt"
	"strings"
)

// maxStartErlWord is the longest version erlinit's read_start_erl takes:
// it reads the file with fscanf("%32s %32s"), which would cut a longer
// word in two.
const maxStartErlWord = 32

// ParseStartErl reads releases/start_erl.data as erlinit does: its first
// two whitespace-separated words are the ERTS version and the release
// version, each at most 32 bytes; anything after them is ignored. The
// error reads after the file's name.
func ParseStartErl(data []byte) (ertsVsn, relVsn string, err error) {
	// fscanf's %s stops at C's isspace: space, \t, \n, \v, \f, \r.
	words := strings.FieldsFunc(string(data), func(r rune) bool {
		return r == ' ' || r >= '\t' && r <= '\r'
	})
	if len(words) < 2 || len(words[0]) > maxStartErlWord || len(words[1]) > maxStartErlWord {
		return "", "", fmt.Errorf("holds %q (expected \"<erts-version> <release-version>\", each at most %d bytes)",
			strings.TrimSpace(string(data)), maxStartErlWord)
	}
	return words[0], words[1], nil
}
