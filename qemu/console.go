package qemu

import (
	"bytes"
	"io"
	"regexp"
	"sync"
)

// maxLine is how much of a line without a newline is kept for matching;
// past it the text so far is dropped.
const maxLine = 64 << 10

// console is QEMU's standard output: it copies the text on and watches
// it line by line for the expected patterns and the kernel's reboot
// messages. Partial lines are matched too, so a prompt without a newline
// counts as soon as it arrives.
type console struct {
	out    io.Writer
	expect []*regexp.Regexp
	done   chan struct{} // closed when the last pattern is seen
	stderr tail          // the end of QEMU's standard error

	// cycle are the patterns on which the machine's power is cut, each
	// once, in order; cycleNow is closed when this boot saw one.
	cycle     []*regexp.Regexp
	nextCycle int
	cycleNow  chan struct{}

	mu   sync.Mutex
	next int    // the first pattern not seen yet
	line []byte // the current line so far, without its newline
	from int    // where in line the search for expect[next] starts

	// What the kernel said before QEMU exited (set during one boot): the
	// reboot messages, the restart's command ("0 tryboot"), and whether a
	// cycle pattern cut the power.
	restarted, poweredOff, powerCycled bool
	restartCommand                     string
}

func newConsole(out io.Writer, expect, cycle []*regexp.Regexp) *console {
	return &console{out: out, expect: expect, done: make(chan struct{}), cycle: cycle, cycleNow: make(chan struct{})}
}

// restartWith is what the kernel says after restartMessage when the
// reboot has a command.
const restartWith = " with command '"

// reset starts a new boot: a fresh line, no reboot message seen.
func (c *console) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.line, c.from = c.line[:0], 0
	c.restarted, c.poweredOff, c.powerCycled, c.restartCommand = false, false, false, ""
	c.cycleNow = make(chan struct{})
	c.stderr = tail{}
}

// powerCut is closed when this boot's output matched a cycle pattern.
func (c *console) powerCut() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cycleNow
}

func (c *console) Write(p []byte) (int, error) {
	c.out.Write(p) // the console goes on even if its copy cannot
	c.mu.Lock()
	defer c.mu.Unlock()
	for rest := p; len(rest) > 0; {
		chunk, after, complete := bytes.Cut(rest, []byte{'\n'})
		c.line = append(c.line, chunk...)
		c.scan()
		if complete || len(c.line) > maxLine {
			c.line, c.from = c.line[:0], 0
		}
		rest = after
	}
	return len(p), nil
}

// scan matches the current line against the patterns still to see and
// the reboot messages.
func (c *console) scan() {
	text := bytes.TrimSuffix(c.line, []byte{'\r'})
	for c.next < len(c.expect) && c.from <= len(text) {
		m := c.expect[c.next].FindIndex(text[c.from:])
		if m == nil {
			break
		}
		c.from += m[1]
		if c.next++; c.next == len(c.expect) {
			close(c.done)
		}
	}
	if !c.powerCycled && c.nextCycle < len(c.cycle) && c.cycle[c.nextCycle].Match(text) {
		c.nextCycle++
		c.powerCycled = true
		close(c.cycleNow)
	}
	if i := bytes.Index(text, []byte(restartMessage)); i >= 0 {
		c.restarted = true
		rest := text[i+len(restartMessage):]
		if cmd, ok := bytes.CutPrefix(rest, []byte(restartWith)); ok {
			if end := bytes.IndexByte(cmd, '\''); end >= 0 {
				c.restartCommand = string(cmd[:end])
			}
		}
	}
	c.poweredOff = c.poweredOff || bytes.Contains(text, []byte(powerOffMessage))
}

// matchedAll reports whether there were patterns and all have been seen.
func (c *console) matchedAll() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.expect) > 0 && c.next == len(c.expect)
}

// pending is the first pattern not seen yet, or nil.
func (c *console) pending() *regexp.Regexp {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next < len(c.expect) {
		return c.expect[c.next]
	}
	return nil
}

// tail keeps the last lines written to it, for error messages.
type tail struct{ buf []byte }

const tailSize = 2048

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	return len(p), nil
}

// last is the last non-empty line, as ": LINE", or "".
func (t *tail) last() string {
	lines := bytes.Split(bytes.TrimSpace(t.buf), []byte{'\n'})
	if l := bytes.TrimSpace(lines[len(lines)-1]); len(l) > 0 {
		return ": " + string(l)
	}
	return ""
}
