package proxy

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// connQueue is a net.Listener whose connections are pushed to it: the
// TLS listener's connections sorted by protocol, and the HTTP/1.1 server's
// upgrade requests handed to net/http.
type connQueue struct {
	addr   net.Addr
	ch     chan net.Conn
	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

func newConnQueue(addr net.Addr) *connQueue {
	if addr == nil {
		addr = &net.TCPAddr{}
	}
	return &connQueue{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// push hands c to the listener's server; false when the listener is
// closed.
func (q *connQueue) push(c net.Conn) bool {
	select {
	case q.ch <- c:
		return true
	case <-q.done:
		return false
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.done)
	}
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }

// replayConn is a handed-over connection: it reads the request the
// HTTP/1.1 server parsed (written again) and then the connection; its TLS
// state, if any, is the original connection's. The HTTP/1.1 server reuses
// the connection's wrapper once done is closed, and net/http may still
// call a method after Close: so every method after Close fails without
// touching the connection, and Close signals done only when no call is in
// flight.
type replayConn struct {
	net.Conn
	r      io.Reader
	tls    *tls.ConnectionState
	local  net.Addr
	remote net.Addr
	done   chan struct{}

	mu     sync.Mutex
	closed bool
	active sync.WaitGroup
}

func newReplayConn(c net.Conn, head []byte, st *tls.ConnectionState) *replayConn {
	return &replayConn{Conn: c, r: io.MultiReader(bytes.NewReader(head), c), tls: st,
		local: c.LocalAddr(), remote: c.RemoteAddr(), done: make(chan struct{})}
}

// enter admits a call unless the connection is closed; exit ends it.
func (c *replayConn) enter() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.active.Add(1)
	return true
}

func (c *replayConn) exit() { c.active.Done() }

func (c *replayConn) Read(b []byte) (int, error) {
	if !c.enter() {
		return 0, net.ErrClosed
	}
	defer c.exit()
	return c.r.Read(b)
}

func (c *replayConn) Write(b []byte) (int, error) {
	if !c.enter() {
		return 0, net.ErrClosed
	}
	defer c.exit()
	return c.Conn.Write(b)
}

func (c *replayConn) SetDeadline(t time.Time) error {
	if !c.enter() {
		return net.ErrClosed
	}
	defer c.exit()
	return c.Conn.SetDeadline(t)
}

func (c *replayConn) SetReadDeadline(t time.Time) error {
	if !c.enter() {
		return net.ErrClosed
	}
	defer c.exit()
	return c.Conn.SetReadDeadline(t)
}

func (c *replayConn) SetWriteDeadline(t time.Time) error {
	if !c.enter() {
		return net.ErrClosed
	}
	defer c.exit()
	return c.Conn.SetWriteDeadline(t)
}

func (c *replayConn) LocalAddr() net.Addr  { return c.local }
func (c *replayConn) RemoteAddr() net.Addr { return c.remote }

func (c *replayConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	err := c.Conn.Close() // ends the calls blocked on it
	c.active.Wait()
	close(c.done)
	return err
}

// clientListener is the plain HTTP/1.1 listener as its server sees it:
// it gives its connections the client write timeout (clientConn), and
// after an accept error that does not end the listener (out of file
// descriptors and the like) it waits and accepts again instead of
// returning the error, on which the HTTP/1.1 server would stop serving.
type clientListener struct {
	net.Listener
	d time.Duration
	s *Server
}

func (l *clientListener) Accept() (net.Conn, error) {
	var backoff acceptBackoff
	for {
		c, err := l.Listener.Accept()
		if err == nil {
			return &clientConn{Conn: c, d: l.d}, nil
		}
		if errors.Is(err, net.ErrClosed) || l.s.isClosed() {
			return nil, err
		}
		backoff.wait(l.s.p.log, "HTTP", err)
	}
}

// clientConn is a client connection that is cut off when the client takes
// nothing of a response for Config.ClientTimeout (d; zero or negative:
// never), as nginx's send_timeout does: the write deadline follows the
// progress of the writes, moved at most once per tenth of d.
type clientConn struct {
	net.Conn
	d  time.Duration
	pd progressDeadline
}

func (c *clientConn) Write(b []byte) (int, error) {
	if c.d > 0 {
		if now := progressNow(); c.pd.dueFor(now, c.d) {
			_ = c.Conn.SetWriteDeadline(c.pd.move(now, c.d))
		}
	}
	return c.Conn.Write(b)
}
