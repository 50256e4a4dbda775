package cmdline

import (
	"fmt"
	"strings"
)

// longOpt is one entry of a getopt_long table.
type longOpt struct {
	name   string
	hasArg bool
	id     string // the short letter, or the long name for long-only options
}

// getopt walks args the way GNU getopt_long does: options and operands may
// be mixed (operands are collected), "--" ends options, short options may be
// grouped and take their argument attached or as the next word, and long
// options may be abbreviated to a unique prefix and take "=value".
// Each option is handed to visit in order, so a caller can act (and stop)
// as fwup does while it parses. errf receives getopt's own messages.
func getopt(args []string, shorts string, longs []longOpt, visit func(id, arg string) bool, errf func(string)) (operands []string, ok bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(operands, args[i+1:]...), true
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			opt, msg := matchLong(name, longs)
			if opt == nil {
				errf(fmt.Sprintf(msg, a))
				return operands, false
			}
			switch {
			case opt.hasArg && !hasVal:
				if i+1 >= len(args) {
					errf(fmt.Sprintf("option '--%s' requires an argument", strings.TrimSpace(opt.name)))
					return operands, false
				}
				i++
				val = args[i]
			case !opt.hasArg && hasVal:
				errf(fmt.Sprintf("option '--%s' doesn't allow an argument", strings.TrimSpace(opt.name)))
				return operands, false
			}
			if !visit(opt.id, val) {
				return operands, true
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				c := a[j]
				k := strings.IndexByte(shorts, c)
				if k < 0 || c == ':' {
					errf(fmt.Sprintf("invalid option -- '%c'", c))
					return operands, false
				}
				if k+1 < len(shorts) && shorts[k+1] == ':' {
					val := a[j+1:]
					if val == "" {
						if i+1 >= len(args) {
							errf(fmt.Sprintf("option requires an argument -- '%c'", c))
							return operands, false
						}
						i++
						val = args[i]
					}
					if !visit(string(c), val) {
						return operands, true
					}
					break
				}
				if !visit(string(c), "") {
					return operands, true
				}
			}
		default:
			operands = append(operands, a)
		}
	}
	return operands, true
}

// matchLong finds an exact match, else a unique prefix match. On failure
// it returns getopt's message as a format taking the argument.
func matchLong(name string, longs []longOpt) (*longOpt, string) {
	var found []*longOpt
	for i := range longs {
		if longs[i].name == name {
			return &longs[i], ""
		}
		if strings.HasPrefix(longs[i].name, name) {
			found = append(found, &longs[i])
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return nil, "unrecognized option '%s'"
	}
	// Abbreviations of the same option are not ambiguous.
	for _, f := range found[1:] {
		if f.id != found[0].id {
			return nil, "option '%s' is ambiguous"
		}
	}
	return found[0], ""
}
