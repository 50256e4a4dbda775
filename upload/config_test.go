package upload_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/upload"
)

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestConfig(t *testing.T) {
	c, err := upload.ParseConfig(strings.NewReader(`# comment
IdentityFile ~/.ssh/global
Host board *.lab !bad.lab
  HostName=10.0.0.%h
  User nerves
  Port 2222
  IdentityFile "~/.ssh/board key"
Match exec "true"
  User matched
Host *
  User fallback
  Port 22
`))
	if err != nil {
		t.Fatal(err)
	}
	for alias, want := range map[string]upload.HostConfig{
		"board":   {HostName: "10.0.0.board", User: "nerves", Port: 2222, IdentityFiles: []string{"~/.ssh/global", "~/.ssh/board key"}},
		"x.LAB":   {HostName: "10.0.0.x.LAB", User: "nerves", Port: 2222, IdentityFiles: []string{"~/.ssh/global", "~/.ssh/board key"}},
		"bad.lab": {User: "fallback", Port: 22, IdentityFiles: []string{"~/.ssh/global"}},
	} {
		if got := c.Lookup(alias); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", alias, got, want)
		}
	}
	if _, err := upload.ParseConfig(strings.NewReader("Host\n")); err == nil {
		t.Error("Host without a pattern was accepted")
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]upload.Target{
		"nerves.local": {Host: "nerves.local"}, "root@h:2222": {User: "root", Host: "h", Port: 2222},
		"[::1]:22": {Host: "::1", Port: 22}, "::1": {Host: "::1"}, "u@[fe80::1]": {User: "u", Host: "fe80::1"},
	} {
		if got, err := upload.ParseTarget(in); err != nil || got != want {
			t.Errorf("%s: got %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"h:0", "h:x", "@h", "[::1", ""} {
		if _, err := upload.ParseTarget(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
