package conf

import (
	"bytes"
	"strconv"
	"strings"
)

// MetaConf serialises a config the way fwup (>= 1.14) writes meta.conf:
// options in table order, defaults and private options left out, no
// comments or indentation. The bytes matter: the archive's UUID and
// signature are computed over them.
func (s *Section) MetaConf() []byte {
	var b bytes.Buffer
	s.print(&b)
	if b.Len() == 0 {
		return []byte("# Empty file\n")
	}
	return b.Bytes()
}

func (s *Section) print(b *bytes.Buffer) {
	for _, opt := range s.Opt.Sub {
		switch {
		case opt.Kind == KindSection:
			for _, c := range s.children[opt.Name] {
				var body bytes.Buffer
				c.print(&body)
				if body.Len() == 0 && !opt.KeepEmpty {
					continue
				}
				b.WriteString(opt.Name)
				if opt.Titled {
					b.WriteString(" " + quote(c.Title))
				}
				b.WriteString(" {\n")
				b.Write(body.Bytes())
				b.WriteString("}\n")
			}
		case opt.Name == "funlist" || opt.Name == "reqlist":
			if len(s.Calls) > 0 {
				printList(b, opt.Name, encodeCalls(s.Calls))
			}
		case opt.Private:
		default:
			v := s.values[opt.Name]
			if v == nil {
				continue
			}
			items := canonical(opt, v.Items)
			if isDefault(opt, items) {
				continue
			}
			if opt.Kind == KindString {
				for i, it := range items {
					items[i] = FormatString(it)
				}
			}
			printList(b, opt.Name, items)
		}
	}
}

func printList(b *bytes.Buffer, name string, items []string) {
	b.WriteString(name + "=")
	if len(items) == 1 {
		b.WriteString(items[0])
	} else {
		b.WriteString("{" + strings.Join(items, ",") + "}")
	}
	b.WriteByte('\n')
}

// encodeCalls flattens calls to fwup's list form: argc (counting the
// name), the name, then the arguments; each item quoted as a string.
func encodeCalls(calls []Call) []string {
	var items []string
	for _, c := range calls {
		items = append(items, strconv.Itoa(len(c.Args)+1), FormatString(c.Name))
		for _, a := range c.Args {
			items = append(items, FormatString(a))
		}
	}
	return items
}

// canonical normalises values to the text fwup prints: decimal integers,
// true/false booleans.
func canonical(opt *Option, items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		switch opt.Kind {
		case KindInt:
			n, _ := ParseInt(it)
			out[i] = strconv.FormatInt(n, 10)
		case KindFloat:
			f, _ := parseFloat(it)
			out[i] = strconv.FormatInt(int64(f), 10)
		case KindBool:
			v, _ := parseBool(it)
			out[i] = strconv.FormatBool(v)
		default:
			out[i] = it
		}
	}
	return out
}

// isDefault reports whether a value would be left out: empty, an empty
// string, or the option's default.
func isDefault(opt *Option, items []string) bool {
	if len(items) == 0 {
		return true
	}
	if opt.Kind == KindString && !opt.List && items[0] == "" {
		return true
	}
	if opt.Default == nil || len(opt.Default) != len(items) {
		return false
	}
	for i := range items {
		if items[i] != opt.Default[i] {
			return false
		}
	}
	return true
}

// FormatString writes a string as fwup's printer does: bare when it is
// non-empty and only [A-Za-z0-9_.], otherwise double-quoted with " and \
// escaped.
func FormatString(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.')
	}) < 0 {
		return s
	}
	return quote(s)
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
