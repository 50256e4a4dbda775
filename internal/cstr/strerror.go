package cstr

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// Strerror words an error as the C library's strerror words its errno
// ("No such file or directory"), which is what fwup prints.
func Strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
