package conf

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Eval computes a define-eval expression as fwup does: 64-bit signed
// integers that wrap on overflow; + - (lowest), * / (truncating), then ^
// (power, right-associative, exponent 0-63) and unary minus, which binds
// looser than ^ (-2^2 is -4); parentheses. Numbers are read as C's strtoll
// reads them (0x hex, a leading 0 is octal, too-large saturates) and may
// carry a dd-style suffix, also after a parenthesised group: c=1, w=2,
// b=512, kB=1000, K=1024, MB=10^6, M=2^20, GB=10^9, G=2^30.
func Eval(expr string) (int64, error) {
	e := &evaluator{s: expr}
	v, err := e.sum()
	if err != nil {
		return 0, err
	}
	if e.peek() != 0 {
		return 0, errSyntax
	}
	return v, nil
}

type evaluator struct {
	s string
	i int
	// depth counts open parentheses and unary minuses: each is a
	// level of recursion, bounded by maxDepth.
	depth int
}

// maxDepth bounds an expression's nesting, so twenty million
// parentheses give an error, not a stack overflow.
const maxDepth = 10000

var errTooDeep = fmt.Errorf("expression nested more than %d deep", maxDepth)

// enter counts a level of nesting; leave it with e.depth--.
func (e *evaluator) enter() error {
	if e.depth++; e.depth > maxDepth {
		return errTooDeep
	}
	return nil
}

var errSyntax = errors.New("syntax error")

func (e *evaluator) peek() byte {
	for e.i < len(e.s) && (e.s[e.i] == ' ' || e.s[e.i] == '\t' || e.s[e.i] == '\r' || e.s[e.i] == '\n') {
		e.i++
	}
	if e.i < len(e.s) {
		return e.s[e.i]
	}
	return 0
}

func (e *evaluator) sum() (int64, error) {
	v, err := e.product()
	for err == nil {
		op := e.peek()
		if op != '+' && op != '-' {
			return v, nil
		}
		e.i++
		var r int64
		if r, err = e.product(); op == '+' {
			v += r
		} else {
			v -= r
		}
	}
	return 0, err
}

func (e *evaluator) product() (int64, error) {
	v, err := e.unary()
	for err == nil {
		op := e.peek()
		if op != '*' && op != '/' {
			return v, nil
		}
		e.i++
		var r int64
		if r, err = e.unary(); err != nil {
			break
		}
		if op == '*' {
			v *= r
		} else if r == 0 {
			return 0, errors.New("division by zero")
		} else if v == math.MinInt64 && r == -1 {
			// C would trap; wrap as the other operations do.
		} else {
			v /= r
		}
	}
	return 0, err
}

func (e *evaluator) unary() (int64, error) {
	if e.peek() == '-' {
		e.i++
		if err := e.enter(); err != nil {
			return 0, err
		}
		v, err := e.unary()
		e.depth--
		return -v, err
	}
	return e.power()
}

func (e *evaluator) power() (int64, error) {
	base, err := e.operand()
	if err != nil || e.peek() != '^' {
		return base, err
	}
	e.i++
	if err := e.enter(); err != nil {
		return 0, err
	}
	exp, err := e.unary()
	if err != nil {
		return 0, err
	}
	e.depth--
	if exp < 0 || exp > 63 {
		return 0, errors.New("exponent out of range")
	}
	r := int64(1)
	for ; exp > 0; exp-- {
		r *= base
	}
	return r, nil
}

// operand is a number or a parenthesised expression, with its suffix.
func (e *evaluator) operand() (int64, error) {
	var v int64
	switch c := e.peek(); {
	case c == '(':
		e.i++
		if err := e.enter(); err != nil {
			return 0, err
		}
		var err error
		if v, err = e.sum(); err != nil {
			return 0, err
		}
		e.depth--
		if e.peek() != ')' {
			return 0, errSyntax
		}
		e.i++
	case c == '+' || (c >= '0' && c <= '9'):
		var err error
		if v, err = e.number(); err != nil {
			return 0, err
		}
	default:
		return 0, errSyntax
	}
	return e.suffix(v), nil
}

func (e *evaluator) number() (int64, error) {
	if e.s[e.i] == '+' {
		e.i++
	}
	digits := e.i
	base := 10
	if strings.HasPrefix(e.s[e.i:], "0x") || strings.HasPrefix(e.s[e.i:], "0X") {
		base = 16
		e.i += 2
		digits = e.i
	} else if e.i < len(e.s) && e.s[e.i] == '0' {
		base = 8
	}
	for e.i < len(e.s) && digit(e.s[e.i]) < base {
		e.i++
	}
	if e.i == digits {
		return 0, errSyntax
	}
	if e.i < len(e.s) && digit(e.s[e.i]) < 10 {
		return 0, errSyntax // e.g. 08: strtoll stops at the 8
	}
	var v uint64
	for _, c := range []byte(e.s[digits:e.i]) {
		v = v*uint64(base) + uint64(digit(c))
		if v > math.MaxInt64 {
			v = math.MaxInt64 // strtoll saturates
		}
	}
	return int64(v), nil
}

var suffixes = []struct {
	s string
	m int64
}{{"kB", 1000}, {"MB", 1000000}, {"GB", 1000000000}, {"K", 1024}, {"M", 1 << 20}, {"G", 1 << 30}, {"c", 1}, {"w", 2}, {"b", 512}}

func (e *evaluator) suffix(v int64) int64 {
	e.peek()
	for _, suf := range suffixes {
		if strings.HasPrefix(e.s[e.i:], suf.s) {
			e.i += len(suf.s)
			return v * suf.m
		}
	}
	return v
}
