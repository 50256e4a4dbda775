package deviceinit

import (
	"regexp"
	"strconv"
	"testing"
)

// hostnameEscape against the regexp it replaces, on every string of up
// to five characters from an alphabet that reaches each branch.
func TestHostnameEscapeMatchesRegexp(t *testing.T) {
	re := regexp.MustCompile(`^%(?:s|(-?)\.([0-9]{1,2})s)`)
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		n, width, fromEnd := hostnameEscape(s)
		m := re.FindStringSubmatch(s)
		switch {
		case m == nil && n != 0:
			t.Errorf("hostnameEscape(%q) = %d, want no escape", s, n)
		case m != nil && n != len(m[0]):
			t.Errorf("hostnameEscape(%q) length %d, want %d", s, n, len(m[0]))
		case m != nil && m[2] != "":
			if w, _ := strconv.Atoi(m[2]); w != width || fromEnd != (m[1] == "-") {
				t.Errorf("hostnameEscape(%q) = width %d fromEnd %v, want %s%s", s, width, fromEnd, m[1], m[2])
			}
		case m != nil && width != -1:
			t.Errorf("hostnameEscape(%q) width %d, want -1 (all)", s, width)
		}
		if depth > 0 {
			for _, c := range "%-.19sx" {
				walk(s+string(c), depth-1)
			}
		}
	}
	walk("%", 5)
}
