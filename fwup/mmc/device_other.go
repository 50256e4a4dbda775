//go:build !linux

package mmc

// Open is not supported off Linux.
func Open(path string) (*Device, error) { return nil, ErrUnsupported }

// Discard is not supported off Linux.
func (d *Device) Discard(off, length int64) error { return ErrUnsupported }

// Eject is not supported off Linux.
func Eject(path string) error { return ErrUnsupported }

func (d *Device) rdev() (uint64, bool) { return 0, false }
