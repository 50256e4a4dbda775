package erlinit

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// The hand-written matchers against the regexps they replace, on every
// string of up to four characters from an alphabet that reaches each
// branch, and on random longer ones.
func TestErlinitLexersMatchRegexps(t *testing.T) {
	name := regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`)
	integer := regexp.MustCompile(`^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$`)
	const alphabet = "0178xXaFg_-+ "
	check := func(s string) {
		if got, want := isOptionName(s), name.MatchString(s); got != want {
			t.Errorf("isOptionName(%q) = %v, want %v", s, got, want)
		}
		if got, want := isCInteger(s), integer.MatchString(s); got != want {
			t.Errorf("isCInteger(%q) = %v, want %v", s, got, want)
		}
	}
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		check(prefix)
		if depth == 0 {
			return
		}
		for _, c := range alphabet {
			walk(prefix+string(c), depth-1)
		}
	}
	walk("", 4)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, 5+r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(string(b))
	}
}
