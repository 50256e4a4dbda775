package upload

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Config is what ~/.ssh/config says, as far as an upload needs it: for
// each Host block, HostName, User, Port and IdentityFile. Other keywords
// are ignored; Match blocks are skipped.
type Config struct {
	blocks []configBlock
}

type configBlock struct {
	patterns []string // nil: before any Host line (applies to all)
	skip     bool     // a Match block
	settings [][2]string
}

// HostConfig is what the config says for one host alias.
type HostConfig struct {
	HostName      string
	User          string
	Port          int
	IdentityFiles []string // as written: ~ and %d, %h, %u, %r not expanded
}

// ParseConfig reads an ssh_config file.
func ParseConfig(r io.Reader) (*Config, error) {
	c := &Config{blocks: []configBlock{{}}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value := splitConfigLine(line)
		if value == "" {
			return nil, fmt.Errorf("line %d: %s has no value", n, key)
		}
		switch strings.ToLower(key) {
		case "host":
			c.blocks = append(c.blocks, configBlock{patterns: strings.Fields(value)})
		case "match":
			c.blocks = append(c.blocks, configBlock{skip: true})
		default:
			b := &c.blocks[len(c.blocks)-1]
			b.settings = append(b.settings, [2]string{strings.ToLower(key), unquote(value)})
		}
	}
	return c, sc.Err()
}

// splitConfigLine splits "Key value", "Key=value" or "Key = value".
func splitConfigLine(line string) (key, value string) {
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return line, ""
	}
	key, rest := line[:i], strings.TrimLeft(line[i:], " \t")
	rest = strings.TrimPrefix(rest, "=")
	return key, strings.TrimSpace(rest)
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// Lookup is what applies to alias: as OpenSSH, the first value found for
// each keyword wins, and IdentityFile lines add up.
func (c *Config) Lookup(alias string) HostConfig {
	var h HostConfig
	for _, b := range c.blocks {
		if b.skip || (b.patterns != nil && !matchHost(b.patterns, alias)) {
			continue
		}
		for _, kv := range b.settings {
			switch v := kv[1]; kv[0] {
			case "hostname":
				if h.HostName == "" {
					h.HostName = strings.ReplaceAll(v, "%h", alias)
				}
			case "user":
				if h.User == "" {
					h.User = v
				}
			case "port":
				if p, err := strconv.Atoi(v); err == nil && h.Port == 0 {
					h.Port = p
				}
			case "identityfile":
				h.IdentityFiles = append(h.IdentityFiles, v)
			}
		}
	}
	return h
}

// matchHost is OpenSSH's Host matching: any pattern matches (with * and
// ?), and no negated one (!pattern) does.
func matchHost(patterns []string, host string) bool {
	matched := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		ok, _ := path.Match(strings.ToLower(strings.TrimPrefix(p, "!")), strings.ToLower(host))
		if ok && neg {
			return false
		}
		matched = matched || ok
	}
	return matched
}
