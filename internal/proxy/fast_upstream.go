package proxy

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// upstreamClients are the connection pools of the HTTP/1.1 server's
// forwarding: one fasthttp.HostClient per origin server ("scheme://host"),
// shared by every route that names the server and kept across host-table
// rebuilds, so that a policy change does not drop warm connections.
type upstreamClients struct {
	cfg *Config

	mu    sync.Mutex
	byKey map[string]*fasthttp.HostClient
	used  map[string]bool // the clients the table being built uses
}

// preparePool sets up the forwarding of one pool: the net/http reverse
// proxy (HTTP/2 clients, upgrades) and each server's HostClient.
func (p *Proxy) preparePool(pl *pool) {
	pl.rp = p.newReverseProxy(pl)
	for _, s := range pl.servers {
		s.hc = p.clients.get(s.scheme, s.host)
	}
}

// startBuild begins a table build: clients not asked for until endBuild
// are closed then.
func (u *upstreamClients) startBuild() {
	u.mu.Lock()
	u.used = map[string]bool{}
	u.mu.Unlock()
}

// endBuild drops the clients of servers no route names any more.
func (u *upstreamClients) endBuild() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, hc := range u.byKey {
		if !u.used[k] {
			hc.CloseIdleConnections()
			delete(u.byKey, k)
		}
	}
	u.used = nil
}

// closeIdle closes every client's idle connections.
func (u *upstreamClients) closeIdle() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, hc := range u.byKey {
		hc.CloseIdleConnections()
	}
}

// get returns the client of an origin server, creating it on first use.
func (u *upstreamClients) get(scheme, host string) *fasthttp.HostClient {
	u.mu.Lock()
	defer u.mu.Unlock()
	key := scheme + "://" + host
	if u.used != nil {
		u.used[key] = true
	}
	if hc, ok := u.byKey[key]; ok {
		return hc
	}
	if u.byKey == nil {
		u.byKey = map[string]*fasthttp.HostClient{}
	}
	idle := u.cfg.UpstreamTimeout
	dialer := &net.Dialer{Timeout: u.cfg.DialTimeout, KeepAlive: 30 * time.Second}
	hc := &fasthttp.HostClient{
		Addr:  host,
		IsTLS: scheme == "https",
		// Origin servers are addressed by IP and commonly present
		// certificates for the site's name or self-signed ones; like
		// Huawei's WAF, the data plane encrypts to them without verifying.
		TLSConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12},
		Dial: func(addr string) (net.Conn, error) {
			c, err := dialer.Dial("tcp", addr)
			if err != nil {
				return nil, &dialError{err: err}
			}
			return &upstreamConn{Conn: c, idle: idle}, nil
		},
		MaxConns:                      u.cfg.MaxIdleConnsPerHost * 16,
		MaxConnWaitTimeout:            u.cfg.DialTimeout,
		MaxIdleConnDuration:           90 * time.Second,
		MaxIdemponentCallAttempts:     2,
		RetryIfErr:                    retryStaleConnection,
		DisableHeaderNamesNormalizing: false,
		DisablePathNormalizing:        true,
		NoDefaultUserAgentHeader:      true,
		ReadBufferSize:                16 << 10,
		WriteBufferSize:               16 << 10,
		StreamResponseBody:            true,
	}
	u.byKey[key] = hc
	return hc
}

// retryStaleConnection retries a request without a body whose method is
// safe to repeat (GET, HEAD, OPTIONS, TRACE, as net/http's transport does)
// once when the connection failed before any byte of the answer: the
// origin closed or reset a kept-alive connection just as it was reused.
// Inside the client's attempts that failure is io.EOF (the client reports
// it as fasthttp.ErrConnectionClosed only afterwards), or a failed write
// of the request. Never after a failed dial: forwardFast then tries
// another server of the pool.
func retryStaleConnection(req *fasthttp.Request, attempts int, err error) (resetTimeout, retry bool) {
	var de *dialError
	if errors.As(err, &de) || req.IsBodyStream() || len(req.Body()) > 0 {
		return false, false
	}
	switch b2s(req.Header.Method()) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return false, isStaleConnError(err)
	}
	return false, false
}

// isStaleConnError reports whether err is the failure of a request on a
// connection the origin had closed: no byte of an answer (io.EOF; the
// client reads any error on the first byte as that), or the request's
// write refused.
func isStaleConnError(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, fasthttp.ErrConnectionClosed) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "write"
}

// dialError is a failure to connect to an origin server: nothing of the
// request was sent, so another server may be tried.
type dialError struct{ err error }

func (e *dialError) Error() string { return "dial: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// upstreamConn is a connection to an origin server whose reads and writes
// time out after idle (Config.UpstreamTimeout) without progress, as
// nginx's proxy_read_timeout and proxy_send_timeout do: a long download
// or upload that keeps moving is never cut off. The deadline is moved at
// most once per tenth of idle.
type upstreamConn struct {
	net.Conn
	idle        time.Duration
	read, write progressDeadline
}

func (c *upstreamConn) Read(b []byte) (int, error) {
	if now := progressNow(); c.read.dueFor(now, c.idle) {
		_ = c.Conn.SetReadDeadline(c.read.move(now, c.idle))
	}
	return c.Conn.Read(b)
}

func (c *upstreamConn) Write(b []byte) (int, error) {
	if now := progressNow(); c.write.dueFor(now, c.idle) {
		_ = c.Conn.SetWriteDeadline(c.write.move(now, c.idle))
	}
	return c.Conn.Write(b)
}

// SetReadDeadline and SetWriteDeadline are the client's own (it sets none
// with its timeouts unset); the progress deadline takes over at the next
// read or write.
func (c *upstreamConn) SetReadDeadline(t time.Time) error {
	c.read.set = 0
	return c.Conn.SetReadDeadline(t)
}

func (c *upstreamConn) SetWriteDeadline(t time.Time) error {
	c.write.set = 0
	return c.Conn.SetWriteDeadline(t)
}
