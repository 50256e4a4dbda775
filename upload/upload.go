package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/firmwright/firmwright/fwup/cmdline"
)

// Options say where an upload goes and how.
type Options struct {
	Host string // a name or address, after ~/.ssh/config's HostName
	Port int
	User string

	HostKeys HostKeys
	Auth     Auth

	// ConnectTimeout bounds the name lookup, the TCP connection and the
	// SSH handshake; IdleTimeout is how long the device may stay silent.
	ConnectTimeout, IdleTimeout time.Duration
	// MDNS is where .local queries go (nil: the mDNS group).
	MDNS *net.UDPAddr

	// Stdout and Stderr receive what the device prints, Progress how much
	// of the archive has gone; calls to the three are never concurrent.
	Stdout, Stderr io.Writer
	Progress       func(sent, total int64)

	// Task, when set, asks the device's fwup for that task (TaskVariable);
	// "" leaves it to the device.
	Task string
}

// Success is what fwup prints when an update is done; a device that
// closes the connection after it has rebooted into the update.
const Success = "Success!"

// Send streams the archive fw (size bytes) into the fwup subsystem of the
// device and returns the device's exit status. The error says why there
// is none (and the status is then 1).
func Send(ctx context.Context, o Options, fw io.Reader, size int64) (int, error) {
	client, conn, err := o.connect(ctx)
	if err != nil {
		return 1, err
	}
	defer client.Close()
	defer conn.stop()
	// Ctrl-C ends the upload (the device's fwup sees its input cut short).
	defer context.AfterFunc(ctx, func() { client.Close() })()
	ch, reqs, err := client.OpenChannel("session", nil)
	if err != nil {
		return 1, fmt.Errorf("opening a session on %s: %w", o.Host, err)
	}
	defer ch.Close()
	if err := sendTask(ch, o.Task, client.ServerVersion(), false); err != nil {
		return 1, fmt.Errorf("asking %s for task %s: %w", o.Host, o.Task, err)
	}
	// As mix upload's ssh -s: a subsystem request of our own, since
	// ssh.Session's does not start the session and loses the exit status.
	ok, err := ch.SendRequest("subsystem", true, ssh.Marshal(struct{ Name string }{"fwup"}))
	if err != nil {
		return 1, fmt.Errorf("asking %s for its fwup subsystem: %w", o.Host, err)
	}
	if !ok {
		return 1, fmt.Errorf("%s has no fwup subsystem (is it a Nerves device with ssh_subsystem_fwup?)", o.Host)
	}
	if err := sendTask(ch, o.Task, client.ServerVersion(), true); err != nil {
		return 1, fmt.Errorf("asking %s for task %s: %w", o.Host, o.Task, err)
	}
	s := &stream{o: &o, size: size, silent: conn.expired.Load}
	return s.run(ch, reqs, fw)
}

// stream is one upload's session.
type stream struct {
	o    *Options
	size int64
	// silent says whether the idle timeout closed the connection.
	silent func() bool
	mu     sync.Mutex // serializes Progress, Stdout and Stderr

	exitStatus int
	haveStatus bool
	signal     string
}

func (s *stream) run(ch ssh.Channel, reqs <-chan *ssh.Request, fw io.Reader) (int, error) {
	statusDone := make(chan struct{})
	go func() {
		defer close(statusDone)
		s.requests(reqs)
	}()
	out := &deviceOutput{s: s, w: s.o.Stdout}
	var relay sync.WaitGroup
	var hs *handshake
	relay.Add(2)
	go func() {
		defer relay.Done()
		hs = s.relayStdout(ch, out)
	}()
	go func() {
		defer relay.Done()
		io.Copy(&deviceOutput{s: s, w: s.o.Stderr}, ch.Stderr())
	}()
	sendErr := s.send(ch, fw)
	if sendErr == nil {
		ch.CloseWrite()
	}
	relay.Wait()
	<-statusDone
	return s.verdict(hs, out.success(), sendErr)
}

// send copies the archive into the channel, reporting progress.
func (s *stream) send(w io.Writer, fw io.Reader) error {
	buf := make([]byte, 32<<10)
	var sent int64
	s.progress(0)
	for {
		n, err := fw.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			sent += int64(n)
			s.progress(sent)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (s *stream) progress(sent int64) {
	if s.o.Progress == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.o.Progress(sent, s.size)
}

// requests takes the exit status (or signal) off the channel's requests.
func (s *stream) requests(reqs <-chan *ssh.Request) {
	for r := range reqs {
		switch r.Type {
		case "exit-status":
			var st struct{ Status uint32 }
			if ssh.Unmarshal(r.Payload, &st) == nil {
				s.exitStatus, s.haveStatus = int(st.Status), true
			}
		case "exit-signal":
			var sig struct {
				Signal     string
				CoreDumped bool
				Msg, Lang  string
			}
			if ssh.Unmarshal(r.Payload, &sig) == nil {
				s.signal = sig.Signal
			}
		}
		if r.WantReply {
			r.Reply(false, nil)
		}
	}
}

// handshake is the exit handshake found at the end of the output.
type handshake struct {
	status int
	found  bool
}

func (s *stream) relayStdout(ch io.Reader, out *deviceOutput) *handshake {
	hr := cmdline.NewHandshakeReader(ch)
	io.Copy(out, hr)
	st, ok := hr.Status()
	return &handshake{st, ok}
}

// verdict is the upload's exit status: the device's, else the
// handshake's, else whether the device said it succeeded.
func (s *stream) verdict(hs *handshake, success bool, sendErr error) (int, error) {
	switch {
	case s.haveStatus:
		return s.exitStatus, nil
	case s.signal != "":
		return 1, fmt.Errorf("fwup on %s was killed by SIG%s", s.o.Host, s.signal)
	case hs != nil && hs.found:
		return hs.status, nil
	case success:
		return 0, nil // the device rebooted into the update
	}
	why := "the connection closed"
	if s.silent() {
		return 1, fmt.Errorf("%w: %s sent nothing for %v; the update did not finish", ErrSilent, s.o.Host, s.o.IdleTimeout)
	}
	if sendErr != nil && !errors.Is(sendErr, io.EOF) {
		why = "sending failed: " + sendErr.Error()
	}
	return 1, fmt.Errorf("%s before %s said %s or sent an exit status: the update did not finish", why, s.o.Host, Success)
}

// deviceOutput relays what the device prints and watches for Success.
type deviceOutput struct {
	s    *stream
	w    io.Writer
	tail string
	seen bool
}

func (d *deviceOutput) Write(p []byte) (int, error) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.tail += string(p)
	if strings.Contains(d.tail, Success) {
		d.seen = true
	}
	if len(d.tail) > len(Success) {
		d.tail = d.tail[len(d.tail)-len(Success):]
	}
	if d.w == nil {
		return len(p), nil
	}
	if _, err := d.w.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (d *deviceOutput) success() bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.seen
}
