package qemu

import (
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestQemuConsoleMatching(t *testing.T) {
	for _, tc := range []struct {
		name    string
		writes  []string
		expect  []string
		matched int // how many patterns were seen
	}{
		{"in order", []string{"a\nb\n"}, []string{"a", "b"}, 2},
		{"out of order", []string{"b\na\n"}, []string{"a", "b"}, 1},
		{"same line, after the match", []string{"x=1 y=2\n"}, []string{"y=2", "x=1"}, 1},
		{"same line", []string{"x=1 y=2\n"}, []string{"x=1", "y=2"}, 2},
		{"partial line", []string{"log", "in: "}, []string{"^login: $"}, 1},
		{"split over writes", []string{"HEL", "LO vers", "ion=2\r\n"}, []string{`HELLO version=\d$`}, 1},
		{"not across lines", []string{"HELLO\nversion=2\n"}, []string{"HELLO version=2"}, 0},
		{"a line too long is dropped", []string{"ab", strings.Repeat("x", maxLine), "cd\n"}, []string{"abcd"}, 0},
	} {
		c := newConsole(io.Discard, nil, nil)
		for _, e := range tc.expect {
			c.expect = append(c.expect, regexp.MustCompile(e))
		}
		for _, w := range tc.writes {
			c.Write([]byte(w))
		}
		if c.next != tc.matched {
			t.Errorf("%s: %d patterns seen, want %d", tc.name, c.next, tc.matched)
		}
		select {
		case <-c.done:
			if tc.matched != len(tc.expect) {
				t.Errorf("%s: done, with patterns left", tc.name)
			}
		default:
			if tc.matched == len(tc.expect) {
				t.Errorf("%s: not done", tc.name)
			}
		}
	}
}

func TestQemuConsoleReboot(t *testing.T) {
	c := newConsole(io.Discard, nil, nil)
	c.Write([]byte("[  1.0] reboot: Restar"))
	c.Write([]byte("ting system\r\n"))
	if !c.restarted || c.poweredOff {
		t.Errorf("restarted %v, powered off %v", c.restarted, c.poweredOff)
	}
	c.reset()
	c.Write([]byte("reboot: Power down\n"))
	if c.restarted || !c.poweredOff {
		t.Errorf("after reset: restarted %v, powered off %v", c.restarted, c.poweredOff)
	}
}
