package proxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// ServerConfig tunes the client-facing listeners. Zero values take the
// defaults given.
type ServerConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers, and its body
	// when it is small enough to be read with them (default 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout is how long a kept-alive client connection may wait for
	// its next request (default 120 s).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's head (default 32 KiB: nginx's
	// 4 × 8 KiB; HAProxy's buffer is 16 KiB). Every open HTTP/1.1
	// connection holds a read buffer of this size.
	MaxHeaderBytes int
}

// ErrServerClosed is what Serve and ServeTLS return after Shutdown or
// Close.
var ErrServerClosed = http.ErrServerClosed

// Server is the client-facing side of the data plane: it serves a Proxy on
// plain and TLS listeners. HTTP/1.1 is served by fasthttp, which parses a
// request once into buffers it reuses and forwards over pooled upstream
// connections (serveFast); HTTP/2 (TLS clients that negotiate h2) and
// protocol upgrades (WebSocket), which it hands over, are served by
// net/http (Proxy.ServeHTTP). Both run the same checks. Create a Server
// with Proxy.NewServer.
type Server struct {
	p   *Proxy
	cfg ServerConfig

	mu       sync.Mutex
	closed   bool
	fast     []*fasthttp.Server
	std      []*http.Server
	handover *connQueue     // connections handed to the net/http server
	tlsLns   []net.Listener // the TLS listeners, which ServeTLS accepts from itself
}

// NewServer returns a Server of the data plane.
func (p *Proxy) NewServer(cfg ServerConfig) *Server {
	if cfg.ReadHeaderTimeout <= 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 120 * time.Second
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = 32 << 10
	}
	s := &Server{p: p, cfg: cfg}
	return s
}

// Serve serves plain HTTP/1.x on ln until Shutdown or Close, and then
// returns ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	fs, err := s.newFastServer()
	if err != nil {
		ln.Close()
		return err
	}
	return closedErr(fs.Serve(&clientListener{Listener: ln, d: s.p.cfg.ClientTimeout, s: s}))
}

// ServeTLS serves HTTPS on ln: each host's certificate chosen by SNI (see
// Proxy.TLSConfig), HTTP/2 and HTTP/1.1 offered by ALPN. A connection that
// negotiates h2 is served by net/http, the others by the HTTP/1.1 server.
func (s *Server) ServeTLS(ln net.Listener) error {
	fs, err := s.newFastServer()
	if err != nil {
		ln.Close()
		return err
	}
	h2 := newConnQueue(ln.Addr())
	srv, err := s.newStdServer()
	if err == nil {
		err = s.addTLSListener(ln)
	}
	if err != nil {
		ln.Close()
		return err
	}
	cfg := s.p.TLSConfig()
	srv.TLSConfig = cfg
	go func() { _ = srv.Serve(h2) }()
	h1 := newConnQueue(ln.Addr())
	go func() { _ = fs.Serve(h1) }()
	defer h1.Close()
	defer h2.Close()
	var backoff acceptBackoff
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			backoff.wait(s.p.log, "TLS", err)
			continue
		}
		backoff = acceptBackoff{}
		go s.handshake(tls.Server(&clientConn{Conn: c, d: s.p.cfg.ClientTimeout}, cfg), h1, h2)
	}
}

// acceptBackoff is how an accept loop waits after an error that does not
// end its listener (out of file descriptors and the like) before it goes
// on, as net/http's server does: 5 ms, doubling up to 1 s.
type acceptBackoff struct{ delay time.Duration }

// wait logs err and sleeps for the next delay.
func (b *acceptBackoff) wait(log *slog.Logger, listener string, err error) {
	b.delay = min(max(2*b.delay, 5*time.Millisecond), time.Second)
	log.Warn("proxy: accepting a connection", "listener", listener, "err", err, "retry_in", b.delay)
	time.Sleep(b.delay)
}

// handshake completes a TLS handshake (within ReadHeaderTimeout) and hands
// the connection to the server of its protocol.
func (s *Server) handshake(c *tls.Conn, h1, h2 *connQueue) {
	_ = c.SetDeadline(time.Now().Add(s.cfg.ReadHeaderTimeout))
	if err := c.Handshake(); err != nil {
		c.Close()
		return
	}
	_ = c.SetDeadline(time.Time{})
	q := h1
	if c.ConnectionState().NegotiatedProtocol == "h2" {
		q = h2
	}
	if !q.push(c) {
		c.Close()
	}
}

// newFastServer registers an HTTP/1.1 server of the proxy.
func (s *Server) newFastServer() (*fasthttp.Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrServerClosed
	}
	if s.handover == nil {
		s.handover = newConnQueue(nil)
		srv := s.newStdServerLocked()
		srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
			if rc, ok := c.(*replayConn); ok && rc.tls != nil {
				return context.WithValue(ctx, tlsStateKey{}, rc.tls)
			}
			return ctx
		}
		srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if st, ok := r.Context().Value(tlsStateKey{}).(*tls.ConnectionState); ok {
				r.TLS = st
			}
			s.p.ServeHTTP(w, r)
		})
		go func() { _ = srv.Serve(s.handover) }()
	}
	fs := &fasthttp.Server{
		Handler:                       s.serveFast,
		NoDefaultServerHeader:         true,
		NoDefaultContentType:          true,
		DisableHeaderNamesNormalizing: false,
		DisablePreParseMultipartForm:  true,
		StreamRequestBody:             true,
		// Bodies are streamed to the origin as they come, as on the
		// net/http path: the server reads at most one byte of a body
		// before the handler runs (a body to inspect is read up to
		// inspect.MaxBodyBytes by the checks).
		MaxRequestBodySize: 1,
		// The read buffer bounds the head and is held by every open
		// connection, idle ones included.
		ReadBufferSize:  s.cfg.MaxHeaderBytes,
		WriteBufferSize: 4 << 10,
		ReadTimeout:     s.cfg.ReadHeaderTimeout,
		IdleTimeout:     s.cfg.IdleTimeout,
		CloseOnShutdown: true,
		// The handler never asks for the request's time (RequestCtx.Time),
		// so the clock is not read for it.
		LazyRequestTime: true,
		ExpectHandler:   s.expectFast,
		Logger:          fastLogger{s.p.log},
	}
	if d := s.p.cfg.ClientTimeout; d > 0 {
		// The first byte of a body, which the server reads with the
		// headers (the rest is streamed under clientBody's deadline),
		// must come within the client timeout. A request without a body
		// reads nothing more before its answer: its deadline is left as
		// the head's, one deadline change fewer per request.
		fs.HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
			if !hasBody(h) {
				return fasthttp.RequestConfig{}
			}
			return fasthttp.RequestConfig{ReadTimeout: d}
		}
	}
	s.fast = append(s.fast, fs)
	return fs, nil
}

// addTLSListener registers a TLS listener, closed by stop.
func (s *Server) addTLSListener(ln net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	s.tlsLns = append(s.tlsLns, ln)
	return nil
}

// newStdServer registers a net/http server of the proxy.
func (s *Server) newStdServer() (*http.Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrServerClosed
	}
	return s.newStdServerLocked(), nil
}

func (s *Server) newStdServerLocked() *http.Server {
	srv := &http.Server{Handler: s.p, ReadHeaderTimeout: s.cfg.ReadHeaderTimeout, IdleTimeout: s.cfg.IdleTimeout,
		MaxHeaderBytes: s.cfg.MaxHeaderBytes, ErrorLog: slog.NewLogLogger(s.p.log.Handler(), slog.LevelDebug)}
	s.std = append(s.std, srv)
	return srv
}

// tlsStateKey keys a handed-over TLS connection's state in the net/http
// server's connection context.
type tlsStateKey struct{}

// serveFast serves an HTTP/1.1 request; one that upgrades the connection
// (WebSocket) and has no body is handed over to the net/http server with
// its connection.
func (s *Server) serveFast(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	if !framingSafe(h) {
		refuseBadHead(ctx, "Bad Request: ambiguous message framing")
		return
	}
	if hasObsFold(h.RawHeaders()) {
		refuseBadHead(ctx, "Bad Request: obsolete line folding")
		return
	}
	if len(h.Peek("Upgrade")) > 0 && hasToken(h.Peek("Connection"), "upgrade") && !hasBody(h) {
		s.handOver(ctx)
		return
	}
	s.p.serveFast(ctx)
}

// framingSafe reports whether the request's body framing is one every
// origin reads the same way. The server already refuses malformed or
// repeated Content-Length; refused here are Content-Length beside
// Transfer-Encoding, a Transfer-Encoding other than chunked (which the
// server would ignore), and Transfer-Encoding in an HTTP/1.0 request,
// whose framing RFC 9112 section 6.1 makes faulty (nginx refuses all
// three too).
func framingSafe(h *fasthttp.RequestHeader) bool {
	if h.ContentLength() == -1 {
		// The server reads chunked and drops a Content-Length beside it:
		// an origin that reads the length instead would see another body.
		return h.IsHTTP11() && !hasHeaderLine(h.RawHeaders(), "content-length:")
	}
	// Not chunked: any Transfer-Encoding line is one the server ignored.
	return !hasHeaderLine(h.RawHeaders(), "transfer-encoding:")
}

// hasHeaderLine reports whether a line of the raw header block starts with
// prefix (lower case; compared ignoring case).
func hasHeaderLine(raw []byte, prefix string) bool {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) >= len(prefix) && (line[0]|0x20) == prefix[0] && strings.EqualFold(b2s(line[:len(prefix)]), prefix) {
			return true
		}
	}
	return false
}

// hasObsFold reports whether a line of the raw header block starts with
// white space: obsolete line folding (RFC 9112 section 5.2), a field line
// continued on the next, or white space before the first field line
// (section 2.2). The HTTP/1.1 server would join the lines, and origins
// differ on where such a field ends (net/http joins them, nginx and
// HAProxy refuse them), so the request is refused, as section 5.2 lets a
// proxy do.
func hasObsFold(raw []byte) bool {
	if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
		return true
	}
	for {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 || i+1 == len(raw) {
			return false
		}
		if raw[i+1] == ' ' || raw[i+1] == '\t' {
			return true
		}
		raw = raw[i+1:]
	}
}

// refuseBadHead answers a request whose head is refused with 400 and
// closes the connection: where its body ends is not known. (Error resets
// the response, so the headers are set after it.)
func refuseBadHead(ctx *fasthttp.RequestCtx, msg string) {
	ctx.Error(msg, fasthttp.StatusBadRequest)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetConnectionClose()
}

// hasBody reports whether the request has a body: a Content-Length above
// zero, or chunked (-1); -2 is no length at all.
func hasBody(h *fasthttp.RequestHeader) bool {
	cl := h.ContentLength()
	return cl > 0 || cl == -1
}

// handOver gives the connection of ctx, with the request it holds, to the
// net/http server: the request is written again in front of what the
// client sends next.
func (s *Server) handOver(ctx *fasthttp.RequestCtx) {
	head := append([]byte(nil), ctx.Request.Header.Header()...)
	var st *tls.ConnectionState
	if cs := ctx.TLSConnectionState(); cs != nil {
		c := *cs
		st = &c
	}
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(c net.Conn) {
		rc := newReplayConn(c, head, st)
		if !s.handover.push(rc) {
			return
		}
		<-rc.done // the connection is the net/http server's until it closes it
	})
}

// expectFast answers "Expect: 100-continue" before the body is sent: a
// request the address rules block gets its block page at once (and the
// connection is closed, as the client may be sending its body already);
// others get 100 Continue.
// The decision is kept for serveFast, so that it is not made (and
// recorded) twice.
func (s *Server) expectFast(ctx *fasthttp.RequestCtx) int {
	c, ans := s.p.admit(ctx, fastRequest{ctx}, fastHost(ctx), fastPeer(ctx))
	if !ans.stops() {
		ctx.SetUserValue(admittedKey{}, &c)
		return fasthttp.StatusContinue
	}
	writeFastAnswer(ctx, ans)
	return ans.page.Status
}

// Shutdown stops the listeners and waits for in-flight requests to finish
// until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	fast, std, q := s.stop()
	var errs []error
	for _, fs := range fast {
		errs = append(errs, fs.ShutdownWithContext(ctx))
	}
	for _, srv := range std {
		errs = append(errs, srv.Shutdown(ctx))
	}
	if q != nil {
		q.Close()
	}
	return errors.Join(errs...)
}

// Close stops the listeners and closes every client connection at once.
func (s *Server) Close() error {
	fast, std, q := s.stop()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	for _, fs := range fast {
		if err := fs.ShutdownWithContext(ctx); err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
	}
	for _, srv := range std {
		errs = append(errs, srv.Close())
	}
	if q != nil {
		q.Close()
	}
	return errors.Join(errs...)
}

// stop marks the server closed, closes its TLS listeners and returns its
// servers.
func (s *Server) stop() ([]*fasthttp.Server, []*http.Server, *connQueue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, ln := range s.tlsLns {
		ln.Close()
	}
	return s.fast, s.std, s.handover
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// closedErr maps the HTTP/1.1 server's end after Shutdown to
// ErrServerClosed.
func closedErr(err error) error {
	if err == nil {
		return ErrServerClosed
	}
	return err
}

// fastLogger passes the HTTP/1.1 server's messages (malformed requests,
// closed connections) to the debug log.
type fastLogger struct{ log *slog.Logger }

func (l fastLogger) Printf(format string, args ...any) {
	l.log.Debug("proxy: http/1.1 server", "msg", fmt.Sprintf(format, args...))
}
