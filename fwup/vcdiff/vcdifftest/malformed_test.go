package vcdifftest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/firmwright/firmwright/fwup/vcdiff"
)

// TestMalformed: each patch is refused with its error, and CopyAt within
// the source decodes to the byte.
func TestMalformed(t *testing.T) {
	src := bytes.Repeat([]byte("0123456789"), 100)
	decode := func(patch []byte, srcLen int64) ([]byte, error) {
		return io.ReadAll(vcdiff.NewReader(bytes.NewReader(patch), bytes.NewReader(src[:srcLen]), srcLen))
	}
	if _, err := decode(HugeWindow(), 0); !errors.Is(err, vcdiff.ErrWindowTooLarge) {
		t.Errorf("HugeWindow: %v, want %v", err, vcdiff.ErrWindowTooLarge)
	}
	if got, err := decode(CopyAt(987), 1000); err != nil || string(got) != "7" {
		t.Errorf("CopyAt(987) = %q, %v; want \"7\"", got, err)
	}
	if _, err := decode(CopyAt(1000), 1000); !errors.Is(err, vcdiff.ErrSourceSegment) {
		t.Errorf("CopyAt(1000) of 1000 bytes: %v, want %v", err, vcdiff.ErrSourceSegment)
	}
}
