package conf

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/internal/cstr"
)

// tokenKind is what the lexer hands the parser. libconfuse does not tell a
// quoted string from a bare one once it is lexed, and neither do we.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokString
	tokLBrace
	tokRBrace
	tokLParen
	tokRParen
	tokComma
	tokEquals
	tokPlusEquals
)

func (k tokenKind) String() string {
	switch k {
	case tokEOF:
		return "end of file"
	case tokString:
		return "string"
	case tokLBrace:
		return "'{'"
	case tokRBrace:
		return "'}'"
	case tokLParen:
		return "'('"
	case tokRParen:
		return "')'"
	case tokComma:
		return "','"
	case tokEquals:
		return "'='"
	case tokPlusEquals:
		return "'+='"
	}
	return "?"
}

type token struct {
	kind tokenKind
	val  string
	pos  Pos
}

// Pos names a place in a config file for error messages.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// source is one file on the include stack.
type source struct {
	name string
	dir  string // directory that relative include() and host-path resolve against
	data string
	off  int
	line int
}

// lexer turns fwup.conf text into tokens. Variables are expanded here, as
// libconfuse does, so a define() is visible to every token lexed after it.
type lexer struct {
	stack  []*source
	lookup func(name string) (string, bool)
}

func (lx *lexer) top() *source { return lx.stack[len(lx.stack)-1] }

// pos is where the lexer is now; libconfuse reports errors found after a
// token at this line.
func (lx *lexer) pos() Pos { s := lx.top(); return Pos{s.name, s.line} }

// push starts reading an included file; its tokens come before the rest of
// the including file.
func (lx *lexer) push(s *source) { lx.stack = append(lx.stack, s) }

func (lx *lexer) errorf(pos Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

// isBareStop reports whether c ends an unquoted string.
func isBareStop(c byte) bool {
	switch c {
	case '#', '"', '\'', '=', '{', '}', '(', ')', '+', ',', '*':
		return true
	}
	return isSpace(c)
}

func (lx *lexer) next() (token, error) {
	for {
		s := lx.top()
		if err := lx.skipBlank(s); err != nil {
			return token{}, err
		}
		if s.off >= len(s.data) {
			if len(lx.stack) > 1 {
				lx.stack = lx.stack[:len(lx.stack)-1]
				continue
			}
			return token{kind: tokEOF, pos: Pos{s.name, s.line}}, nil
		}
		c := s.data[s.off]
		if c == '*' || c == '\r' || (c == '+' && !strings.HasPrefix(s.data[s.off:], "+=")) {
			// libconfuse drops a stray '+' or '*' without a word.
			s.off++
			continue
		}
		t, err := lx.lexToken(s)
		// Values are C strings in libconfuse: an embedded NUL ends them.
		if i := strings.IndexByte(t.val, 0); i >= 0 && t.kind == tokString {
			t.val = t.val[:i]
		}
		// libconfuse reports the line the lexer has reached, which is
		// the line a token ends on.
		t.pos = Pos{s.name, s.line}
		if e, ok := err.(*Error); ok {
			e.Pos = t.pos
		}
		return t, err
	}
}

// skipBlank skips whitespace and the three comment forms.
func (lx *lexer) skipBlank(s *source) error {
	for s.off < len(s.data) {
		c := s.data[s.off]
		switch {
		case c == '\n':
			s.line++
			s.off++
		case isSpace(c):
			s.off++
		case c == '#' || strings.HasPrefix(s.data[s.off:], "//"):
			for s.off < len(s.data) && s.data[s.off] != '\n' {
				s.off++
			}
			// libconfuse 3.3 counts two extra lines for each line
			// comment, and fwup's messages carry that count.
			s.line += 2
		case strings.HasPrefix(s.data[s.off:], "/*"):
			end := strings.Index(s.data[s.off+2:], "*/")
			if end < 0 {
				// An unterminated comment runs to the end of the file.
				s.line += strings.Count(s.data[s.off:], "\n")
				s.off = len(s.data)
				return nil
			}
			// ...and one extra at the end of a block comment.
			s.line += strings.Count(s.data[s.off:s.off+2+end], "\n") + 1
			s.off += 2 + end + 2
		default:
			return nil
		}
	}
	return nil
}

func (lx *lexer) lexToken(s *source) (token, error) {
	pos := Pos{s.name, s.line}
	c := s.data[s.off]
	single := map[byte]tokenKind{'{': tokLBrace, '}': tokRBrace, '(': tokLParen, ')': tokRParen, ',': tokComma, '=': tokEquals}
	if k, ok := single[c]; ok {
		s.off++
		return token{kind: k, val: string(c), pos: pos}, nil
	}
	switch {
	case c == '+' && s.off+1 < len(s.data) && s.data[s.off+1] == '=':
		s.off += 2
		return token{kind: tokPlusEquals, val: "+=", pos: pos}, nil
	case c == '"':
		return lx.doubleQuoted(s)
	case c == '\'':
		v, err := lx.singleQuoted(s)
		return token{kind: tokString, val: v, pos: pos}, err
	case strings.HasPrefix(s.data[s.off:], "${"):
		end := strings.IndexByte(s.data[s.off:], '}')
		if end < 0 {
			return token{}, lx.errorf(pos, "premature end of file")
		}
		ref := s.data[s.off+2 : s.off+end]
		s.off += end + 1
		return token{kind: tokString, val: lx.expand(ref), pos: pos}, nil
	}
	start := s.off
	for s.off < len(s.data) && !isBareStop(s.data[s.off]) {
		s.off++
	}
	if s.off == start {
		// libconfuse drops any other character it has no rule for.
		s.off++
		return lx.next()
	}
	return token{kind: tokString, val: s.data[start:s.off], pos: pos}, nil
}

// MaxString bounds a string that expanding variables makes: fwup.conf
// text itself is read whole, but forty defines that each double the
// last would ask for terabytes.
const MaxString = 64 << 20

// expand resolves the inside of a ${...} reference: NAME or NAME:-default.
// An undefined name without a default is the empty string, as in libconfuse.
func (lx *lexer) expand(ref string) string {
	name, def := ref, ""
	if i := strings.IndexByte(ref, ':'); i >= 0 && strings.HasPrefix(ref[i:], ":-") {
		name, def = ref[:i], ref[i+2:]
	}
	if v, ok := lx.lookup(name); ok {
		return v
	}
	return def
}

// doubleQuoted reads a "..." string with C escapes and ${} expansion. An
// unterminated string reads as the end of the file, as in libconfuse: fine
// where a statement could end, "premature end of file" elsewhere.
func (lx *lexer) doubleQuoted(s *source) (token, error) {
	s.off++ // opening quote
	var b strings.Builder
	for {
		if s.off >= len(s.data) {
			return token{kind: tokEOF}, nil
		}
		c := s.data[s.off]
		switch {
		case c == '"':
			s.off++
			return token{kind: tokString, val: b.String()}, nil
		case c == '\n':
			s.line++
			b.WriteByte(c)
			s.off++
		case c == '$' && strings.HasPrefix(s.data[s.off:], "${"):
			end := strings.IndexByte(s.data[s.off:], '}')
			if end < 0 {
				b.WriteByte(c)
				s.off++
				continue
			}
			v := lx.expand(s.data[s.off+2 : s.off+end])
			if b.Len()+len(v) > MaxString {
				return token{}, lx.errorf(lx.pos(), "a string longer than %d MiB (defines that double a value?)", MaxString>>20)
			}
			b.WriteString(v)
			s.off += end + 1
		case c == '\\' && s.off+1 < len(s.data):
			s.off++
			e, err := lx.escape(s)
			if err != nil {
				return token{}, err
			}
			b.WriteString(e)
		default:
			b.WriteByte(c)
			s.off++
		}
	}
}

// escape decodes the C escape after a backslash inside double quotes.
func (lx *lexer) escape(s *source) (string, error) {
	c := s.data[s.off]
	simple := map[byte]string{'n': "\n", 't': "\t", 'r': "\r", 'b': "\b", 'f': "\f", 'a': "\a", 'e': "\x1b", 'v': "\v"}
	if r, ok := simple[c]; ok {
		s.off++
		return r, nil
	}
	switch {
	case c == '\n':
		// A backslash-newline continues the string on the next line.
		s.line++
		s.off++
		return "", nil
	case c >= '0' && c <= '9':
		end := s.off
		for end < len(s.data) && s.data[end] >= '0' && s.data[end] <= '9' {
			end++
		}
		run := s.data[s.off:end]
		s.off = end
		if len(run) > 3 || strings.ContainsAny(run, "89") {
			return "", &Error{Msg: fmt.Sprintf("bad escape sequence '\\%s'", run)}
		}
		n, _ := strconv.ParseUint(run, 8, 16)
		if n > 0xff {
			return "", &Error{Msg: fmt.Sprintf("invalid octal number '\\%s'", run)}
		}
		return string([]byte{byte(n)}), nil
	case c == 'x':
		end := s.off + 1
		for end < len(s.data) && end < s.off+3 && isHexDigit(s.data[end]) {
			end++
		}
		if end == s.off+1 {
			s.off++
			return "x", nil
		}
		n, _ := strconv.ParseUint(s.data[s.off+1:end], 16, 8)
		s.off = end
		return string([]byte{byte(n)}), nil
	}
	s.off++
	return string(c), nil
}

// singleQuoted reads a '...' string: only \\ and \' are escapes (and a
// backslash-newline continues the line); no variables are expanded.
func (lx *lexer) singleQuoted(s *source) (string, error) {
	s.off++
	var b strings.Builder
	for {
		if s.off >= len(s.data) {
			return "", lx.errorf(Pos{}, "unterminated string constant")
		}
		c := s.data[s.off]
		next := byte(0)
		if s.off+1 < len(s.data) {
			next = s.data[s.off+1]
		}
		switch {
		case c == '\'':
			s.off++
			return b.String(), nil
		case c == '\\' && (next == '\\' || next == '\''):
			b.WriteByte(next)
			s.off += 2
		case c == '\\' && next == '\n':
			s.line++
			s.off += 2
		default:
			if c == '\n' {
				s.line++
			}
			b.WriteByte(c)
			s.off++
		}
	}
}

func isHexDigit(c byte) bool { return cstr.DigitValue(c) < 16 }
