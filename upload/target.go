package upload

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Target is where an upload goes, as the command line names it:
// [USER@]HOST[:PORT], with [::1]:PORT for IPv6.
type Target struct {
	User string // "" when not given
	Host string
	Port int // 0 when not given
}

// ParseTarget reads [USER@]HOST[:PORT].
func ParseTarget(s string) (Target, error) {
	var t Target
	if at := strings.LastIndex(s, "@"); at >= 0 {
		t.User, s = s[:at], s[at+1:]
		if t.User == "" {
			return t, fmt.Errorf("%q: no user before @", s)
		}
	}
	host, port := s, ""
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.Index(s, "]")
		if end < 0 {
			return t, fmt.Errorf("%q: no ] after the IPv6 address", s)
		}
		host, port = s[1:end], strings.TrimPrefix(s[end+1:], ":")
		if rest := s[end+1:]; rest != "" && !strings.HasPrefix(rest, ":") {
			return t, fmt.Errorf("%q: a port follows ] after a colon", s)
		}
	case strings.Count(s, ":") == 1:
		host, port, _ = strings.Cut(s, ":")
	}
	if host == "" {
		return t, fmt.Errorf("%q: no host", s)
	}
	t.Host = host
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return t, fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, port)
		}
		t.Port = p
	}
	return t, nil
}

// hostPort is host and port joined for dialling and for known_hosts.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
