package proxy

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServerConfig tunes the client-facing listeners. Zero values take the
// defaults given.
type ServerConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout is how long a kept-alive client connection may wait for
	// its next request (default 120 s).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header block (default 64 KiB).
	MaxHeaderBytes int
}

// ErrServerClosed is what Serve and ServeTLS return after Shutdown or
// Close.
var ErrServerClosed = http.ErrServerClosed

// Server is the client-facing side of the data plane: it serves a Proxy on
// plain and TLS listeners. Create it with Proxy.NewServer.
type Server struct {
	p   *Proxy
	cfg ServerConfig

	mu      sync.Mutex
	servers []*http.Server
	closed  bool
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
		cfg.MaxHeaderBytes = 64 << 10
	}
	return &Server{p: p, cfg: cfg}
}

// Serve serves plain HTTP/1.x on ln until Shutdown or Close, and then
// returns ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	srv, err := s.newHTTPServer()
	if err != nil {
		ln.Close()
		return err
	}
	return srv.Serve(ln)
}

// ServeTLS serves HTTPS on ln: each host's certificate chosen by SNI (see
// Proxy.TLSConfig), HTTP/2 and HTTP/1.1 offered by ALPN.
func (s *Server) ServeTLS(ln net.Listener) error {
	srv, err := s.newHTTPServer()
	if err != nil {
		ln.Close()
		return err
	}
	srv.TLSConfig = s.p.TLSConfig()
	return srv.ServeTLS(ln, "", "")
}

// newHTTPServer registers a net/http server of the proxy.
func (s *Server) newHTTPServer() (*http.Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrServerClosed
	}
	srv := &http.Server{Handler: s.p, ReadHeaderTimeout: s.cfg.ReadHeaderTimeout, IdleTimeout: s.cfg.IdleTimeout,
		MaxHeaderBytes: s.cfg.MaxHeaderBytes, ErrorLog: slog.NewLogLogger(s.p.log.Handler(), slog.LevelDebug)}
	s.servers = append(s.servers, srv)
	return srv, nil
}

// Shutdown stops the listeners and waits for in-flight requests to finish
// until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	for _, srv := range s.stop() {
		errs = append(errs, srv.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// Close stops the listeners and closes every client connection at once.
func (s *Server) Close() error {
	var errs []error
	for _, srv := range s.stop() {
		errs = append(errs, srv.Close())
	}
	return errors.Join(errs...)
}

// stop marks the server closed and returns its servers.
func (s *Server) stop() []*http.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.servers
}
