package mmc

import (
	"os"

	"github.com/firmwright/firmwright/internal/cstr"
)

// Buffer sizes fwup reads sysfs attributes with; longer contents are cut.
const (
	sysfsNumberLen = 16 // size, start, dev
	sysfsFlagLen   = 4  // removable
)

// readSysfs reads an attribute as fwup does: one read of at most max bytes,
// whose last byte (normally the newline) is dropped. ok is false when the
// file cannot be read or nothing is left, so "1" without a newline reads as
// nothing at all.
func (s *System) readSysfs(p string, max int) (value string, ok bool) {
	return readSysfsAt(s.path(p), max)
}

// readSysfsAt is readSysfs of a path that already has Root prefixed.
func readSysfsAt(hostPath string, max int) (value string, ok bool) {
	f, err := os.Open(hostPath)
	if err != nil {
		return "", false
	}
	defer f.Close()
	buf := make([]byte, max)
	n, _ := f.Read(buf)
	if n <= 1 {
		return "", false
	}
	return cstr.String(string(buf[:n-1])), true
}

// readSysfsNumber reads a numeric attribute with strtoll/strtoull(…, 0), as
// fwup does; ok is false when the file cannot be read.
func (s *System) readSysfsNumber(p string) (v int64, ok bool) {
	return readSysfsNumberAt(s.path(p))
}

// readSysfsNumberAt is readSysfsNumber of a path with Root prefixed.
func readSysfsNumberAt(hostPath string) (v int64, ok bool) {
	text, ok := readSysfsAt(hostPath, sysfsNumberLen)
	if !ok {
		return 0, false
	}
	u, _, _ := cstr.Strtoull(text)
	return int64(u), true
}
