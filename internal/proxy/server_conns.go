package proxy

import (
	"crypto/tls"
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
// state, if any, is the original connection's.
type replayConn struct {
	net.Conn
	r    io.Reader
	tls  *tls.ConnectionState
	once sync.Once
	done chan struct{}
}

func (c *replayConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func (c *replayConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { close(c.done) })
	return err
}

// clientListener gives its connections the client write timeout
// (clientConn).
type clientListener struct {
	net.Listener
	d time.Duration
}

func (l *clientListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &clientConn{Conn: c, d: l.d}, nil
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
		if now := time.Now(); c.pd.dueFor(now, c.d) {
			c.pd.set = now
			_ = c.Conn.SetWriteDeadline(now.Add(c.d))
		}
	}
	return c.Conn.Write(b)
}
