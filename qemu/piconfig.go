package qemu

import (
	"strings"
)

// The Raspberry Pi firmware's text files, autoboot.txt and config.txt, as
// raspberrypi.com documents them: "key=value" lines (and a few "key
// value" ones, initramfs among them) under [section] filters that say
// which boards, or which boot, a line is for. firmwright qemu reads them
// as the firmware of a Pi 3 Model B would.

// piLine is one setting of a Pi firmware file.
type piLine struct{ key, value string }

// piSettings are the lines of a firmware file that apply to a Pi 3
// Model B, in order: those before any filter and under [all], [pi3] and,
// on a tryboot, [tryboot]. Other filters ([pi4], [none], [gpio4=1], …)
// are skipped until the next one.
func piSettings(text string, tryboot bool) []piLine {
	var lines []piLine
	on := true
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			on = piFilter(strings.ToLower(line[1:len(line)-1]), tryboot)
			continue
		}
		if !on {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			key, value, _ = strings.Cut(line, " ")
		}
		lines = append(lines, piLine{strings.TrimSpace(key), strings.TrimSpace(value)})
	}
	return lines
}

// piFilter reports whether a section filter holds on a Pi 3 Model B.
func piFilter(filter string, tryboot bool) bool {
	switch filter {
	case "all", "pi3":
		return true
	case "tryboot":
		return tryboot
	}
	return false
}

// piValue is the last value given to key, or "".
func piValue(lines []piLine, key string) string {
	value := ""
	for _, l := range lines {
		if l.key == key {
			value = l.value
		}
	}
	return value
}

// piConsole is the kernel command line as the firmware passes it:
// console=serial0 and serial1 name the board's UARTs. On QEMU's raspi3b
// the serial port is the PL011 (ttyAMA0), so serial0 becomes it, and
// serial1 the mini UART (ttyS1).
func piConsole(cmdline string) string {
	words := strings.Fields(cmdline)
	uarts := map[string]string{"serial0": "ttyAMA0", "serial1": "ttyS1"}
	for i, w := range words {
		value, isConsole := strings.CutPrefix(w, "console=")
		name, opts, hasOpts := strings.Cut(value, ",")
		if tty, ok := uarts[name]; isConsole && ok {
			words[i] = "console=" + tty
			if hasOpts {
				words[i] += "," + opts
			}
		}
	}
	return strings.Join(words, " ")
}
