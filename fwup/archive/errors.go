package archive

import (
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error about malformed archive bytes;
// ErrTruncated also by those about an archive that ends too soon.
var (
	ErrFormat    = errors.New("not a valid .fw archive")
	ErrTruncated = errors.New("archive is truncated")
)

// Error is a malformed archive. fwup prints libarchive's sentence and
// nothing else, so fwup mode needs Libarchive on its own (see
// cmdline.ArchiveMessage); Error() adds the entry and what was expected,
// for firmwright's own commands.
type Error struct {
	Entry      string // the entry being read; "" before the first
	Detail     string // what was wrong, and what was expected
	Libarchive string // libarchive's words for it; "" when it has none
	truncated  bool
}

func (e *Error) Error() string {
	msg := ErrFormat.Error() + ": "
	if e.Entry != "" {
		msg += e.Entry + ": "
	}
	if e.truncated {
		msg += ErrTruncated.Error() + ": "
	}
	return msg + e.Detail
}

// Is makes errors.Is(err, ErrFormat) (and ErrTruncated for a cut archive)
// hold, as callers tested before Error existed.
func (e *Error) Is(target error) bool {
	return target == ErrFormat || (e.truncated && target == ErrTruncated)
}

func formatErr(format string, args ...any) error {
	return &Error{Detail: fmt.Sprintf(format, args...)}
}

// entryErr is a format error in the named entry, with libarchive's words.
func entryErr(name, libarchive, format string, args ...any) error {
	return &Error{Entry: name, Detail: fmt.Sprintf(format, args...), Libarchive: libarchive}
}

// truncatedErr is an archive cut off in or after the named entry.
func truncatedErr(name, libarchive, format string, args ...any) error {
	return &Error{Entry: name, Detail: fmt.Sprintf(format, args...), Libarchive: libarchive, truncated: true}
}
