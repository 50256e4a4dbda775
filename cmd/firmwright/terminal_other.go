//go:build !linux

package main

import (
	"io"
	"os"
)

// terminal: prompts need a Linux terminal here; elsewhere there is none.
func terminal(io.Reader) (*os.File, bool) { return nil, false }

func withoutEcho(_ *os.File, read func() (string, error)) (string, error) { return read() }
