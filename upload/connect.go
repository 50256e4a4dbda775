package upload

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// connect resolves the host, dials it and runs the SSH handshake, all
// within ConnectTimeout.
func (o *Options) connect(ctx context.Context) (*ssh.Client, *idleConn, error) {
	cctx, cancel := context.WithTimeout(ctx, o.ConnectTimeout)
	defer cancel()
	addr, err := o.resolve(cctx)
	if err != nil {
		return nil, nil, err
	}
	var d net.Dialer
	raw, err := d.DialContext(cctx, "tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to %s: %w", describe(o.Host, addr), dialCause(err))
	}
	conn := newIdleConn(raw, o.IdleTimeout)
	if deadline, ok := cctx.Deadline(); ok {
		raw.SetDeadline(deadline)
	}
	known, algos, err := o.HostKeys.callback(o.Host, o.Port)
	if err != nil {
		raw.Close()
		return nil, nil, err
	}
	methods, err := o.Auth.methods(o.User, o.Host)
	if err != nil {
		raw.Close()
		return nil, nil, err
	}
	defer o.Auth.close()
	cfg := &ssh.ClientConfig{User: o.User, Auth: methods, HostKeyCallback: known, HostKeyAlgorithms: algos}
	c, chans, reqs, err := ssh.NewClientConn(conn, hostPort(o.Host, o.Port), cfg)
	if err != nil {
		raw.Close()
		var hk *HostKeyError
		switch {
		case errors.As(err, &hk):
			return nil, nil, hk
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, nil, o.Auth.failed(o.User, o.Host, err)
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			return nil, nil, fmt.Errorf("%s accepted the connection but the SSH handshake did not finish within %v", describe(o.Host, addr), o.ConnectTimeout)
		}
		return nil, nil, fmt.Errorf("SSH handshake with %s: %w", describe(o.Host, addr), err)
	}
	raw.SetDeadline(time.Time{})
	conn.arm()
	return ssh.NewClient(c, chans, reqs), conn, nil
}

// resolve is the address to dial: .local names through mDNS, others as
// given (the system's resolver takes them).
func (o *Options) resolve(ctx context.Context) (string, error) {
	if net.ParseIP(o.Host) != nil || !IsLocal(o.Host) {
		return hostPort(o.Host, o.Port), nil
	}
	ips, err := LookupMDNS(ctx, o.Host, o.MDNS)
	if err != nil {
		return "", fmt.Errorf("%v (is the device on this network, and is mDNS let through?)", err)
	}
	return hostPort(ips[0].String(), o.Port), nil
}

func describe(host, addr string) string {
	if strings.HasPrefix(addr, host+":") || strings.HasPrefix(addr, "["+host+"]:") {
		return addr
	}
	return fmt.Sprintf("%s (%s)", host, addr)
}

func dialCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// idleConn closes a connection on which nothing has arrived for the idle
// timeout, once armed (after the handshake).
type idleConn struct {
	net.Conn
	timeout time.Duration
	timer   *time.Timer
	armed   atomic.Bool
	expired atomic.Bool
}

func newIdleConn(c net.Conn, timeout time.Duration) *idleConn {
	ic := &idleConn{Conn: c, timeout: timeout}
	ic.timer = time.AfterFunc(time.Hour, func() {
		ic.expired.Store(true)
		ic.Conn.Close()
	})
	ic.timer.Stop()
	return ic
}

func (c *idleConn) arm() {
	if c.timeout > 0 {
		c.armed.Store(true)
		c.timer.Reset(c.timeout)
	}
}

// stop disarms the timer when the upload is over.
func (c *idleConn) stop() { c.armed.Store(false); c.timer.Stop() }

func (c *idleConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.armed.Load() {
		c.timer.Reset(c.timeout)
	}
	if err != nil && c.expired.Load() {
		return n, fmt.Errorf("%w: the device sent nothing for %v", ErrSilent, c.timeout)
	}
	return n, err
}

// ErrSilent is a device that stopped answering.
var ErrSilent = errors.New("no answer")
