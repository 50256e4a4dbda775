package cstr

import "fmt"

// Error is a failure worded exactly as the C program words it (fwup's
// messages, which fwup mode prints byte for byte) that keeps the Go error
// behind it, as fat.Error does: errors.Is and errors.As see the cause,
// and other callers can say it their own way.
type Error struct {
	Text string
	Err  error
}

func (e *Error) Error() string { return e.Text }
func (e *Error) Unwrap() error { return e.Err }

// Errorf words a failure with format and keeps cause behind it.
func Errorf(cause error, format string, args ...any) error {
	return &Error{Text: fmt.Sprintf(format, args...), Err: cause}
}
