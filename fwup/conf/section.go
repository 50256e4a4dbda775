package conf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/internal/cstr"
)

// Call is one function call in a handler (raw_write(...)) or one
// requirement of a task (require-partition-offset(...)).
type Call struct {
	Name string
	Args []string
	Pos  Pos
}

func (c Call) String() string { return fmt.Sprintf("%s(%v)", c.Name, c.Args) }

// Value is what was assigned to an option: one item, or several for lists.
type Value struct {
	Items []string
	Pos   Pos
}

// Section is a parsed section: the top level, a file-resource, a task, a
// handler... Values are kept as the text that was written; the typed
// getters convert them as libconfuse would.
type Section struct {
	Opt   *Option
	Title string
	Pos   Pos
	// Calls holds the funlist of a handler section and the reqlist of a task.
	Calls []Call

	values   map[string]*Value
	children map[string][]*Section
}

func newSection(opt *Option, title string, pos Pos) *Section {
	return &Section{Opt: opt, Title: title, Pos: pos, values: map[string]*Value{}, children: map[string][]*Section{}}
}

// Has reports whether the option was set in the config.
func (s *Section) Has(name string) bool { _, ok := s.values[name]; return ok }

// Value returns the option's value, or nil when it was not set.
func (s *Section) Value(name string) *Value { return s.values[name] }

// String returns the option's (first) value, or its default.
func (s *Section) String(name string) string {
	if v := s.values[name]; v != nil && len(v.Items) > 0 {
		return v.Items[0]
	}
	if o := s.Opt.sub(name); o != nil && len(o.Default) > 0 {
		return o.Default[0]
	}
	return ""
}

// List returns every item of a list option.
func (s *Section) List(name string) []string {
	if v := s.values[name]; v != nil {
		return v.Items
	}
	return nil
}

// Int returns the option parsed as a C integer, or its default.
func (s *Section) Int(name string) int64 {
	n, _ := ParseInt(s.String(name))
	return n
}

// Bool returns the option parsed as a libconfuse boolean, or false.
func (s *Section) Bool(name string) bool {
	b, _ := parseBool(s.String(name))
	return b
}

// Set replaces an option's value.
func (s *Section) Set(name string, items ...string) {
	s.values[name] = &Value{Items: items}
}

// Unset removes an option.
func (s *Section) Unset(name string) { delete(s.values, name) }

// Prepend adds a subsection of a kind the schema has here, before the
// others of its kind (so meta.conf lists it first), and returns it; nil
// when the schema has no such kind.
func (s *Section) Prepend(name, title string) *Section {
	opt := s.Opt.sub(name)
	if opt == nil || opt.Kind != KindSection {
		return nil
	}
	c := newSection(opt, title, s.Pos)
	s.children[name] = append([]*Section{c}, s.children[name]...)
	return c
}

// Sections returns the subsections of one kind in the order they appeared.
func (s *Section) Sections(name string) []*Section { return s.children[name] }

// Find returns the subsection with the given kind and title.
func (s *Section) Find(name, title string) *Section {
	for _, c := range s.children[name] {
		if c.Title == title {
			return c
		}
	}
	return nil
}

// Handler returns a task's handler section (on-init, on-finish, on-error),
// or nil.
func (s *Section) Handler(name string) *Section {
	if cs := s.children[name]; len(cs) > 0 {
		return cs[len(cs)-1]
	}
	return nil
}

var errRange = errors.New("is out of range")

// ParseInt parses an integer the way libconfuse does with strtol(s, &end,
// 0), requiring the whole string: optional sign, 0x for hex, a leading 0
// for octal; the empty string is 0.
func ParseInt(s string) (int64, error) {
	t := s
	for len(t) > 0 && isSpace(t[0]) {
		t = t[1:]
	}
	if s == "" {
		return 0, nil
	}
	neg := false
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	base := 10
	switch {
	case len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'):
		base, t = 16, t[2:]
	case len(t) > 1 && t[0] == '0':
		base, t = 8, t[1:]
	}
	if t == "" {
		return 0, fmt.Errorf("invalid integer %q", s)
	}
	for i := 0; i < len(t); i++ {
		if digit(t[i]) >= base {
			return 0, fmt.Errorf("invalid integer %q", s)
		}
	}
	u, err := strconv.ParseUint(t, base, 64)
	if err != nil || (neg && u > 1<<63) || (!neg && u > 1<<63-1) {
		return 0, errRange
	}
	if neg {
		return -int64(u), nil
	}
	return int64(u), nil
}

// parseFloat parses like C's strtod, requiring the whole string.
func parseFloat(s string) (float64, error) {
	t := strings.TrimLeft(s, " \t\n\r\f\v")
	if t == "" {
		return 0, nil
	}
	if u := strings.TrimLeft(t, "+-"); len(u) > 2 && (u[:2] == "0x" || u[:2] == "0X") && !strings.ContainsAny(u, ".pP") {
		n, err := ParseInt(t)
		return float64(n), err
	}
	return strconv.ParseFloat(t, 64)
}

// digit is c's value as a digit (36 or more when it is none).
func digit(c byte) int { return int(cstr.DigitValue(c)) }

func parseBool(s string) (bool, error) {
	switch lower(s) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q", s)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
