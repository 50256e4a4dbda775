package cmdline

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// fwup's --framing wraps both directions in packets, so a program driving
// fwup through a pipe (an Erlang port, an SSH channel) can tell data,
// progress and messages apart:
//
//   - stdin: each packet is a 4-byte big-endian length and that many bytes
//     of the archive; a zero length ends the input (fwup's
//     framed_stdin_read).
//   - stdout: each message is a 4-byte big-endian length of what follows,
//     a 2-byte kind ("OK", "ER", "WN", "PR"), a 2-byte big-endian code (the
//     percentage for PR) and the text.
//
// --exit-handshake ends the output with 0x1A and the exit status, and fwup
// then reads stdin to its end, so a port's owner knows fwup is done before
// it closes the pipe.

// FramedReader reads the archive out of framed stdin.
type FramedReader struct {
	r    io.Reader
	left uint32
	eof  bool
}

// NewFramedReader undoes --framing on r.
func NewFramedReader(r io.Reader) *FramedReader { return &FramedReader{r: r} }

func (f *FramedReader) Read(p []byte) (int, error) {
	if f.eof {
		return 0, io.EOF
	}
	if f.left == 0 {
		var hdr [4]byte
		if _, err := io.ReadFull(f.r, hdr[:]); err != nil {
			return 0, errors.New("Error reading stdin")
		}
		if f.left = binary.BigEndian.Uint32(hdr[:]); f.left == 0 {
			f.eof = true
			return 0, io.EOF
		}
	}
	if uint32(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	if n == 0 {
		if err == nil {
			return 0, nil
		}
		return 0, errors.New("Received EOF even though framing indicated more bytes")
	}
	f.left -= uint32(n)
	return n, nil
}

// FramedWriter frames what a client sends to fwup's stdin under --framing.
type FramedWriter struct {
	w io.Writer
}

// NewFramedWriter frames writes to w; Close ends the input.
func NewFramedWriter(w io.Writer) *FramedWriter { return &FramedWriter{w: w} }

// maxPacket bounds one packet of framed input: the length field takes
// 4 GiB - 1, but an int holds only 2 GiB - 1 on 32-bit devices.
const maxPacket = 1<<31 - 1

// Write sends p as packets of at most maxPacket bytes.
func (f *FramedWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), maxPacket)
		var hdr [4]byte
		binary.BigEndian.PutUint32(hdr[:], uint32(n))
		if _, err := f.w.Write(hdr[:]); err != nil {
			return written, err
		}
		m, err := f.w.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Close sends the zero-length packet that ends the input.
func (f *FramedWriter) Close() error {
	_, err := f.w.Write([]byte{0, 0, 0, 0})
	return err
}

// Message kinds of framed output.
const (
	KindOK       = "OK" // success, with the command's output
	KindError    = "ER" // an error (fwup_errx), then exit 1
	KindWarning  = "WN" // a warning (fwup_warnx)
	KindProgress = "PR" // Code is the percentage; no text
)

// Message is one packet of framed output.
type Message struct {
	Kind string
	Code uint16
	Text string
}

// WriteMessage writes m as fwup frames its output.
func WriteMessage(w io.Writer, m Message) error {
	if len(m.Kind) != 2 {
		return fmt.Errorf("framing: message kind %q is not two bytes", m.Kind)
	}
	buf := make([]byte, 8, 8+len(m.Text))
	binary.BigEndian.PutUint32(buf, uint32(len(m.Text)+4))
	copy(buf[4:6], m.Kind)
	binary.BigEndian.PutUint16(buf[6:], m.Code)
	_, err := w.Write(append(buf, m.Text...))
	return err
}

// maxMessage bounds the text of one framed message a reader accepts:
// fwup's longest are a few KiB.
const maxMessage = 1 << 20

// MessageReader decodes framed output.
type MessageReader struct {
	r io.Reader
}

// NewMessageReader reads framed messages from r.
func NewMessageReader(r io.Reader) *MessageReader { return &MessageReader{r: r} }

// Next returns the next message, or io.EOF at a clean end.
func (m *MessageReader) Next() (Message, error) {
	var hdr [8]byte
	if _, err := io.ReadFull(m.r, hdr[:4]); err != nil {
		return Message{}, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < 4 || n-4 > maxMessage {
		return Message{}, fmt.Errorf("framing: message length %d is outside 4..%d", n, maxMessage+4)
	}
	if _, err := io.ReadFull(m.r, hdr[4:]); err != nil {
		return Message{}, unexpected(err)
	}
	text := make([]byte, n-4)
	if _, err := io.ReadFull(m.r, text); err != nil {
		return Message{}, unexpected(err)
	}
	return Message{Kind: string(hdr[4:6]), Code: binary.BigEndian.Uint16(hdr[6:]), Text: string(text)}, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// handshakeByte starts the exit handshake (ASCII SUB).
const handshakeByte = 0x1a

// WriteExitHandshake ends fwup's output under --exit-handshake.
func WriteExitHandshake(w io.Writer, status int) error {
	_, err := w.Write([]byte{handshakeByte, byte(status)})
	return err
}

// HandshakeReader passes fwup's output through and takes a trailing exit
// handshake off it: the two bytes are held back until the end, and if they
// are 0x1A and a status, Status reports it and they are not passed on.
type HandshakeReader struct {
	r       io.Reader
	held    []byte
	buf     []byte
	status  int
	found   bool
	srcDone bool
}

// NewHandshakeReader reads fwup's output from r.
func NewHandshakeReader(r io.Reader) *HandshakeReader {
	return &HandshakeReader{r: r, buf: make([]byte, 32<<10)}
}

func (h *HandshakeReader) Read(p []byte) (int, error) {
	for {
		// Everything but the last two bytes seen can go out.
		if out := len(h.held) - 2; out > 0 || (h.srcDone && len(h.held) > 0) {
			if h.srcDone {
				out = len(h.held)
			}
			n := copy(p, h.held[:out])
			h.held = h.held[n:]
			return n, nil
		}
		if h.srcDone {
			return 0, io.EOF
		}
		n, err := h.r.Read(h.buf)
		h.held = append(h.held, h.buf[:n]...)
		if err == io.EOF {
			h.srcDone = true
			if len(h.held) >= 2 && h.held[len(h.held)-2] == handshakeByte {
				h.status, h.found = int(h.held[len(h.held)-1]), true
				h.held = h.held[:len(h.held)-2]
			}
		} else if err != nil {
			return 0, err
		}
	}
}

// Status is the exit status the handshake carried, once Read has returned
// io.EOF; ok is false when the output ended without one.
func (h *HandshakeReader) Status() (status int, ok bool) { return h.status, h.found }
