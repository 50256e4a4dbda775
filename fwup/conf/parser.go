package conf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Error is a config error at a place in a file.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// maxIncludeDepth is libconfuse's limit on nested include() calls.
const maxIncludeDepth = 10

// Options say where a config's inputs come from. Nothing here reads the
// process environment: the caller passes it in, and define() writes to it.
type Options struct {
	// Env is the variable environment. define() and friends add to it, so
	// the caller sees the definitions afterwards. Must not be nil.
	Env map[string]string
	// ReadFile reads an include()d file; os.ReadFile when nil.
	ReadFile func(path string) ([]byte, error)
	// Stat sizes a host-path for FWUP_SIZE_<name>; os.Stat when nil. fwup
	// stats the raw string, relative to the current directory.
	Stat func(path string) (fs.FileInfo, error)
	// Check runs fwup's checks at the moments libconfuse runs its
	// callbacks, so errors carry the same line numbers. Nil checks nothing.
	Check Checker
	// Device is set when parsing meta.conf at apply time: unknown keys are
	// ignored there, so newer archives still apply.
	Device bool
}

// Checker is called while parsing. Func says which names a handler or a
// task can call (the fwup actions and requirements, which this package
// does not list); Call sees each function call in a handler and each
// requirement in a task (and may rewrite it); Section sees each section
// once it is closed. ErrNoSuchOption from Call rejects the name as
// libconfuse rejects an unknown option.
type Checker interface {
	Func(sec *Section, name string) bool
	Call(root, sec *Section, c *Call) error
	Section(root, parent, sec *Section) error
	Option(root, sec *Section, name string) error
}

// ErrNoSuchOption is returned by a Checker for an unknown function.
var ErrNoSuchOption = errors.New("no such option")

type parser struct {
	lx   *lexer
	opts Options
	root *Section
}

// Parse reads a config. name is used in messages and, with its directory,
// to resolve relative include() and host-path; dir is the directory that
// relative paths resolve against ("" for the current one).
func Parse(name, dir string, data []byte, opts Options) (*Section, error) {
	if opts.Env == nil {
		return nil, errors.New("conf: Options.Env is nil")
	}
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	if opts.Stat == nil {
		opts.Stat = os.Stat
	}
	p := &parser{opts: opts}
	p.lx = &lexer{lookup: func(n string) (string, bool) { v, ok := opts.Env[n]; return v, ok }}
	p.lx.push(&source{name: name, dir: dir, data: string(data), line: 1})
	root := newSection(Schema, "", Pos{name, 1})
	p.root = root
	if err := p.body(root, false); err != nil {
		return nil, err
	}
	return root, nil
}

func (p *parser) errorf(pos Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) unexpected(t token) error {
	switch t.kind {
	case tokEOF:
		return p.errorf(t.pos, "premature end of file")
	case tokRBrace:
		return p.errorf(t.pos, "unexpected closing brace")
	}
	return p.errorf(t.pos, "unexpected token '%s'", t.val)
}

// body parses the items of a section up to its closing brace (or the end of
// the file, for the top level).
func (p *parser) body(sec *Section, braced bool) error {
	for {
		t, err := p.lx.next()
		if err != nil {
			return err
		}
		switch {
		case t.kind == tokEOF:
			// libconfuse quietly closes sections left open at the end.
			return nil
		case t.kind == tokRBrace && braced:
			return nil
		case t.kind == tokString:
			if err := p.item(sec, t); err != nil {
				return err
			}
		default:
			return p.unexpected(t)
		}
	}
}

func (p *parser) item(sec *Section, name token) error {
	opt := sec.Opt.sub(name.val)
	isFunc := opt == nil && (sec.Opt.HasFunc(name.val) || p.isCall(sec, name.val))
	if opt == nil && !isFunc {
		if p.opts.Device {
			return p.skipUnknown()
		}
		return p.errorf(name.pos, "no such option '%s'", name.val)
	}
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	if isFunc {
		if t.kind != tokLParen {
			return p.errorf(t.pos, "missing parenthesis for function '%s'", name.val)
		}
		args, err := p.args(name.val)
		if err != nil {
			return err
		}
		return p.call(sec, Call{Name: name.val, Args: args, Pos: name.pos})
	}
	if opt.Kind == KindSection {
		return p.section(sec, opt, name, t)
	}
	if t.kind != tokEquals && t.kind != tokPlusEquals {
		return p.errorf(t.pos, "missing equal sign after option '%s'", opt.Name)
	}
	if t.kind == tokPlusEquals && !opt.List {
		return p.errorf(t.pos, "attempt to append to non-list option '%s'", opt.Name)
	}
	items, err := p.value(opt)
	if err != nil {
		return err
	}
	for _, it := range items {
		if msg := checkType(opt, it); msg != "" {
			return p.errorf(p.lx.pos(), msg, opt.Name)
		}
	}
	if opt.Name == "funlist" || opt.Name == "reqlist" {
		calls, err := decodeCalls(items, name.pos)
		if err != nil {
			return err
		}
		if t.kind == tokEquals {
			sec.Calls = nil
		}
		sec.Calls = append(sec.Calls, calls...)
		return nil
	}
	if old := sec.values[opt.Name]; t.kind == tokPlusEquals && old != nil {
		items = append(append([]string{}, old.Items...), items...)
	}
	sec.values[opt.Name] = &Value{Items: items, Pos: name.pos}
	if p.opts.Check != nil {
		if err := p.opts.Check.Option(p.root, sec, opt.Name); err != nil {
			return p.errorf(p.lx.pos(), "%s", err.Error())
		}
	}
	return nil
}

// checkType returns libconfuse's message (a format taking the option
// name) when v is not a valid value for opt, or "".
func checkType(opt *Option, v string) string {
	switch opt.Kind {
	case KindInt:
		if _, err := ParseInt(v); errors.Is(err, errRange) {
			return "integer value for option '%s' is out of range"
		} else if err != nil {
			return "invalid integer value for option '%s'"
		}
	case KindFloat:
		if _, err := parseFloat(v); err != nil {
			return "invalid floating point value for option '%s'"
		}
	case KindBool:
		if _, err := parseBool(v); err != nil {
			return "invalid boolean value for option '%s'"
		}
	}
	return ""
}

// value reads the right-hand side of '=' or '+=': a string, or for lists
// a brace-enclosed, comma-separated list of strings.
func (p *parser) value(opt *Option) ([]string, error) {
	t, err := p.lx.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tokString {
		return []string{t.val}, nil
	}
	if t.kind != tokLBrace || !opt.List {
		return nil, p.unexpected(t)
	}
	var items []string
	for {
		t, err := p.lx.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokRBrace && len(items) == 0 {
			return items, nil
		}
		if t.kind != tokString {
			return nil, p.unexpected(t)
		}
		items = append(items, t.val)
		t, err = p.lx.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokRBrace {
			return items, nil
		}
		if t.kind != tokComma {
			return nil, p.unexpected(t)
		}
	}
}

// args reads a function's arguments after '('. A trailing comma is
// allowed, as libconfuse allows it.
func (p *parser) args(fn string) ([]string, error) {
	var args []string
	syntax := func(t token) error {
		if t.kind == tokEOF {
			return p.unexpected(t)
		}
		return p.errorf(t.pos, "syntax error in call of function '%s'", fn)
	}
	for {
		t, err := p.lx.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokRParen {
			return args, nil
		}
		if t.kind != tokString {
			return nil, syntax(t)
		}
		args = append(args, t.val)
		t, err = p.lx.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokRParen {
			return args, nil
		}
		if t.kind != tokComma {
			return nil, syntax(t)
		}
	}
}

func (p *parser) section(parent *Section, opt *Option, name, t token) error {
	title := ""
	if opt.Titled {
		if t.kind != tokString {
			return p.errorf(t.pos, "missing title for section '%s'", opt.Name)
		}
		title = t.val
		var err error
		if t, err = p.lx.next(); err != nil {
			return err
		}
	}
	if t.kind != tokLBrace {
		return p.errorf(t.pos, "missing opening brace for section '%s'", opt.Name)
	}
	if opt.Titled && parent.Find(opt.Name, title) != nil {
		return p.errorf(t.pos, "found duplicate title '%s'", title)
	}
	child := newSection(opt, title, name.pos)
	if !opt.Titled && len(parent.children[opt.Name]) > 0 {
		// An untitled section given twice is one section: libconfuse
		// adds to the first.
		child = parent.children[opt.Name][0]
	} else {
		parent.children[opt.Name] = append(parent.children[opt.Name], child)
	}
	if err := p.body(child, true); err != nil {
		return err
	}
	if p.opts.Check != nil {
		if err := p.opts.Check.Section(p.root, parent, child); err != nil {
			return p.errorf(p.lx.pos(), "%s", err.Error())
		}
	}
	if opt.Name == "file-resource" && !p.opts.Device {
		p.defineSize(child)
	}
	return nil
}

// skipUnknown passes over an unknown option at apply time, as libconfuse's
// CFGF_IGNORE_UNKNOWN does: '= value', '= {list}', or a section.
func (p *parser) skipUnknown() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	return p.skip(t)
}

// skip passes over an unknown option at apply time: '= value', '= {list}',
// or a (titled) section.
func (p *parser) skip(t token) error {
	var err error
	switch t.kind {
	case tokEquals, tokPlusEquals:
		_, err = p.value(&Option{List: true})
		return err
	case tokString:
		if t, err = p.lx.next(); err != nil {
			return err
		}
	}
	if t.kind != tokLBrace {
		return p.unexpected(t)
	}
	return p.body(newSection(&Option{Kind: KindSection}, "", t.pos), true)
}

// defineSize sets FWUP_SIZE_<name> from the file-resource's host-path, as
// fwup does once the section is parsed. A path that cannot be stat'ed (or
// a ';' list) leaves the variable undefined.
func (p *parser) defineSize(res *Section) {
	hp := res.String("host-path")
	if hp == "" {
		return
	}
	fi, err := p.opts.Stat(hp)
	if err != nil {
		return
	}
	name := strings.Map(func(r rune) rune {
		if r == '-' || r == '/' || r == '.' {
			return '_'
		}
		return r
	}, res.Title)
	p.opts.Env["FWUP_SIZE_"+name] = fmt.Sprint(fi.Size())
}

// call runs a function call: define and include act now; calls inside
// handlers and requirements inside tasks are recorded.
// isCall reports whether name, in sec, is a call of an fwup action or
// requirement: what the Checker says, or, without one, any name in a
// handler or a task.
func (p *parser) isCall(sec *Section, name string) bool {
	if !sec.Opt.Calls && !sec.Opt.Requires {
		return false
	}
	if p.opts.Check == nil {
		return true
	}
	return p.opts.Check.Func(sec, name)
}

func (p *parser) call(sec *Section, c Call) error {
	if c.Name == "include" {
		return p.include(c)
	}
	if strings.HasPrefix(c.Name, "define") {
		return p.define(c)
	}
	if p.opts.Check != nil {
		err := p.opts.Check.Call(p.root, sec, &c)
		if errors.Is(err, ErrNoSuchOption) {
			return p.errorf(c.Pos, "no such option '%s'", c.Name)
		}
		if err != nil {
			return p.errorf(p.lx.pos(), "%s", err.Error())
		}
	}
	sec.Calls = append(sec.Calls, c)
	return nil
}

func (p *parser) include(c Call) error {
	pos := p.lx.pos()
	if len(c.Args) != 1 {
		return p.errorf(pos, "'include' requires 1 parameter")
	}
	path := c.Args[0]
	if path == "" {
		return p.errorf(pos, "Cannot include the contents of an undefined variable")
	}

	full := path
	if path[0] != '/' && path[0] != '~' {
		// fwup joins the including file's directory and the name as
		// text; messages show "./name" for files in the current one.
		full = p.lx.top().dir + "/" + path
	}
	fi, err := p.opts.Stat(full)
	if err != nil {
		return p.errorf(pos, "Cannot include '%s': File not found", path)
	}
	if !fi.Mode().IsRegular() {
		return p.errorf(pos, "Cannot include '%s': Not a regular file", path)
	}
	data, err := p.opts.ReadFile(full)
	if err != nil {
		return p.errorf(pos, "Cannot include '%s': %v", path, err)
	}
	if len(p.lx.stack)-1 >= maxIncludeDepth {
		return p.errorf(pos, "includes nested too deeply")
	}
	p.lx.push(&source{name: full, dir: filepath.Dir(full), data: string(data), line: 1})
	return nil
}

// define handles define, define!, define-eval and define-eval!. The plain
// forms keep an existing value (the environment or an earlier define wins);
// the '!' forms always overwrite.
func (p *parser) define(c Call) error {
	force := strings.HasSuffix(c.Name, "!")
	kind := strings.TrimSuffix(c.Name, "!")
	if kind != "define" && kind != "define-eval" {
		return p.errorf(c.Pos, "no such option '%s'", c.Name)
	}
	pos := p.lx.pos()
	if len(c.Args) != 2 {
		return p.errorf(pos, "'%s' requires 2 parameters", c.Name)
	}
	name, val := c.Args[0], c.Args[1]
	if kind == "define-eval" {
		n, err := Eval(val)
		if err != nil {
			return p.errorf(pos, "error evaluating '%s'", val)
		}
		val = fmt.Sprint(n)
	}
	if _, exists := p.opts.Env[name]; exists && !force {
		return nil
	}
	p.opts.Env[name] = val
	return nil
}

// decodeCalls turns funlist/reqlist items ({argc,name,args...}) back into
// calls, as fwup does when it re-reads meta.conf.
func decodeCalls(items []string, pos Pos) ([]Call, error) {
	var calls []Call
	for i := 0; i < len(items); {
		n, err := ParseInt(items[i])
		if err != nil || n < 1 || int64(len(items)-i-1) < n {
			return nil, &Error{Pos: pos, Msg: "unexpected function list"}
		}
		calls = append(calls, Call{Name: items[i+1], Args: append([]string(nil), items[i+2:i+1+int(n)]...), Pos: pos})
		i += 1 + int(n)
	}
	return calls, nil
}
