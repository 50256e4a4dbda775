package cmdline

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestFramedStdinRoundTrip: what FramedWriter sends, FramedReader takes
// back, packet boundaries wherever the writes fell.
func TestFramedStdinRoundTrip(t *testing.T) {
	var wire bytes.Buffer
	w := NewFramedWriter(&wire)
	parts := []string{"PK\x03\x04", "", strings.Repeat("x", 70000), "end"}
	for _, p := range parts {
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wire.WriteString("after the end")
	got, err := io.ReadAll(iotest.OneByteReader(NewFramedReader(&wire)))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(parts, ""); string(got) != want {
		t.Errorf("read back %d bytes, want %d", len(got), len(want))
	}
	if wire.String() != "after the end" {
		t.Errorf("the reader went past the end packet: %q left", wire.String())
	}
}

func TestFramedStdinErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\x00\x00", "Error reading stdin"},
		{"\x00\x00\x00\x05abc", "Received EOF even though framing indicated more bytes"},
	} {
		_, err := io.ReadAll(NewFramedReader(strings.NewReader(tc.in)))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestMessagesRoundTrip: framed output as fwup writes it (the bytes of
// its documentation's example) decodes to the messages written.
func TestMessagesRoundTrip(t *testing.T) {
	msgs := []Message{{KindProgress, 42, ""}, {KindWarning, 0, "fwup: careful\n"}, {KindOK, 0, ""}}
	var wire bytes.Buffer
	for _, m := range msgs {
		if err := WriteMessage(&wire, m); err != nil {
			t.Fatal(err)
		}
	}
	if want := "\x00\x00\x00\x04PR\x00\x2a"; !strings.HasPrefix(wire.String(), want) {
		t.Errorf("wire starts %q, want %q", wire.String()[:8], want)
	}
	r := NewMessageReader(&wire)
	for _, want := range msgs {
		got, err := r.Next()
		if err != nil || got != want {
			t.Fatalf("Next = %+v, %v; want %+v", got, err, want)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("at the end: %v, want EOF", err)
	}
	for _, bad := range []string{"\x00\x00\x00\x03OK\x00", "\x00\x00\x00\x08OK\x00\x00ab", "\x7f\xff\xff\xffOK"} {
		if _, err := NewMessageReader(strings.NewReader(bad)).Next(); err == nil || err == io.EOF {
			t.Errorf("%q: %v, want an error", bad, err)
		}
	}
	if err := WriteMessage(io.Discard, Message{Kind: "X"}); err == nil {
		t.Error("a one-byte kind was written")
	}
}

// TestHandshakeReader: the trailing 0x1A and status come off the output,
// whatever the read sizes; output without them passes whole.
func TestHandshakeReader(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		status  int
		ok      bool
	}{
		{"Success!\n\x1a\x00", "Success!\n", 0, true},
		{"fwup: Error\n\x1a\x01", "fwup: Error\n", 1, true},
		{"\x1a\x02", "", 2, true},
		{"no handshake\n", "no handshake\n", 0, false},
		{"\x1a in the middle\x1a", "\x1a in the middle\x1a", 0, false},
		{"", "", 0, false},
	} {
		for _, oneByte := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tc.in)
			if oneByte {
				src = iotest.OneByteReader(src)
			}
			h := NewHandshakeReader(src)
			got, err := io.ReadAll(h)
			status, ok := h.Status()
			if err != nil || string(got) != tc.out || status != tc.status || ok != tc.ok {
				t.Errorf("%q (one byte %v): %q %v, status %d %v", tc.in, oneByte, got, err, status, ok)
			}
		}
	}
	var wire bytes.Buffer
	wire.WriteString("done\n")
	WriteExitHandshake(&wire, 7)
	h := NewHandshakeReader(&wire)
	io.ReadAll(h)
	if s, ok := h.Status(); s != 7 || !ok {
		t.Errorf("WriteExitHandshake then read: %d %v", s, ok)
	}
	_, err := io.ReadAll(NewHandshakeReader(iotest.ErrReader(errors.New("boom"))))
	if err == nil || err.Error() != "boom" {
		t.Errorf("a read error: %v", err)
	}
}
