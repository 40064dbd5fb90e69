package proxy

import (
	"bufio"
	"crypto/sha256"
	cryptotls "crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// The wire tests drive the data plane only through its client-facing
// entry point (Proxy.NewServer, as `rampart proxy` serves it) with raw
// bytes, and watch what a real origin listener receives. They hold for
// any forwarding path behind proxy.Server, and each runs over plain TCP
// and over TLS with ALPN http/1.1.

// wireTimeout bounds every read and write of a wire test: a proxy that
// hangs fails the test instead of stalling it.
const wireTimeout = 10 * time.Second

// wireHost is the host name every wire test's data plane serves.
const wireHost = "www.test"

// eachWire runs f over plain TCP and over TLS with ALPN http/1.1.
func eachWire(t *testing.T, f func(t *testing.T, tlsOn bool)) {
	t.Helper()
	for _, m := range []struct {
		name  string
		tlsOn bool
	}{{"plain", false}, {"tls-http1.1", true}} {
		t.Run(m.name, func(t *testing.T) { f(t, m.tlsOn) })
	}
}

var (
	wireCertOnce sync.Once
	wireCert     cryptotls.Certificate
)

// wireCertificate returns a self-signed certificate for wireHost, made once
// per test binary.
func wireCertificate(t testing.TB) *cryptotls.Certificate {
	wireCertOnce.Do(func() {
		certPEM, keyPEM := selfSigned(t, wireHost)
		c, err := cryptotls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		wireCert = c
	})
	return &wireCert
}

// wireProxy starts a data plane serving wireHost (protect_status 1, no
// rule blocks unless the test sets one in tp.dec) in front of servers,
// plain or over TLS.
func wireProxy(t *testing.T, tlsOn bool, cfg Config, servers ...waf.Server) *testProxy {
	t.Helper()
	if tlsOn {
		cfg.DefaultCertificate = wireCertificate(t)
	}
	st := &fakeStore{}
	st.set(newHost("p1", wireHost, 1, servers...))
	// A head that never ends is answered (408) well within wireTimeout.
	return startProxyWith(t, st, cfg, tlsOn, nil, ServerConfig{ReadHeaderTimeout: 2 * time.Second})
}

// dial opens a client connection to the data plane, over TLS with ALPN
// http/1.1 when the server is a TLS one, with wireTimeout as its deadline.
func (tp *testProxy) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", tp.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(wireTimeout))
	if tp.srv.tls {
		tc := cryptotls.Client(c, &cryptotls.Config{ServerName: wireHost, InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
		if err := tc.Handshake(); err != nil {
			c.Close()
			t.Fatal(err)
		}
		if p := tc.ConnectionState().NegotiatedProtocol; p != "http/1.1" {
			tc.Close()
			t.Fatalf("ALPN negotiated %q, want http/1.1", p)
		}
		c = tc
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// wireConn is a client connection to the data plane that writes raw bytes
// and reads responses.
type wireConn struct {
	net.Conn
	br *bufio.Reader
}

// open dials the data plane.
func (tp *testProxy) open(t *testing.T) *wireConn {
	t.Helper()
	c := tp.dial(t)
	return &wireConn{Conn: c, br: bufio.NewReader(c)}
}

// send writes raw request bytes.
func (c *wireConn) send(t *testing.T, raw string) {
	t.Helper()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatalf("writing the request: %v", err)
	}
}

// read reads one response to a request of method and its whole body.
func (c *wireConn) read(t *testing.T, method string) (*http.Response, []byte) {
	t.Helper()
	resp, body, err := c.tryRead(method)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	return resp, body
}

// tryRead is read that returns the error.
func (c *wireConn) tryRead(method string) (*http.Response, []byte, error) {
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body, err
}

// closed reports whether the data plane has closed the connection: the
// next read ends (EOF or reset) without any byte.
func (c *wireConn) closed(t *testing.T) bool {
	t.Helper()
	b, err := c.br.ReadByte()
	if err == nil {
		t.Logf("the connection is open: it sent %q", b)
		return false
	}
	if isConnEnd(err) {
		return true
	}
	t.Logf("the connection is not closed: %v", err)
	return false
}

// isConnEnd reports whether err ends a connection the peer closed.
func isConnEnd(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, net.ErrClosed)
}

// get is a minimal keep-alive GET of path on wireHost.
func get(path string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: " + wireHost + "\r\n\r\n"
}

// seenRequest is a request as a raw origin parsed it.
type seenRequest struct {
	Method, URI, Proto, Host string
	Header, Trailer          http.Header
	TransferEncoding         []string
	ContentLength            int64
	BodyLen                  int64
	BodySHA                  string
	Body                     []byte // the first 64 KiB
}

// rawOrigin is an origin on a bare TCP listener. It parses what it
// receives strictly (http.ReadRequest, the whole body with its
// trailers), records every complete request, counts unparsable input and
// requests whose body was cut off, and answers through respond.
type rawOrigin struct {
	ln net.Listener
	// respond writes the answer to the n-th request (from 1) and reports
	// whether the connection stays open. Nil: answerSeen.
	respond func(n int, r *seenRequest, c net.Conn) bool
	// raw, when set, takes over every accepted connection instead of the
	// request loop.
	raw func(c net.Conn)

	mu      sync.Mutex
	reqs    []*seenRequest
	bad     []string // input that is not a request
	aborted int      // requests whose body did not arrive whole
	open    int      // connections open now
	conns   int      // connections accepted
	wg      sync.WaitGroup
	live    map[net.Conn]bool
}

// startRawOrigin starts an origin; the test's end closes it.
func startRawOrigin(t *testing.T, o *rawOrigin) (*rawOrigin, waf.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.ln, o.live = ln, map[net.Conn]bool{}
	o.wg.Add(1)
	go o.accept()
	t.Cleanup(func() {
		ln.Close()
		o.mu.Lock()
		for c := range o.live {
			c.Close()
		}
		o.mu.Unlock()
		o.wg.Wait()
	})
	return o, serverOf(t, ln.Addr().String(), 1)
}

func (o *rawOrigin) accept() {
	defer o.wg.Done()
	for {
		c, err := o.ln.Accept()
		if err != nil {
			return
		}
		o.mu.Lock()
		o.open++
		o.conns++
		o.live[c] = true
		o.mu.Unlock()
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			defer func() {
				c.Close()
				o.mu.Lock()
				o.open--
				delete(o.live, c)
				o.mu.Unlock()
			}()
			if o.raw != nil {
				o.raw(c)
				return
			}
			o.serve(c)
		}()
	}
}

// serve reads requests from c until it ends or respond closes it.
func (o *rawOrigin) serve(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			if !isConnEnd(err) || br.Buffered() > 0 {
				o.mu.Lock()
				o.bad = append(o.bad, err.Error())
				o.mu.Unlock()
			}
			return
		}
		if req.Header.Get("Expect") == "100-continue" {
			io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		}
		seen := &seenRequest{Method: req.Method, URI: req.RequestURI, Proto: req.Proto, Host: req.Host, Header: req.Header,
			TransferEncoding: req.TransferEncoding, ContentLength: req.ContentLength}
		h := sha256.New()
		var head prefixWriter
		seen.BodyLen, err = io.Copy(io.MultiWriter(h, &head), req.Body)
		if err != nil {
			o.mu.Lock()
			o.aborted++
			o.mu.Unlock()
			return
		}
		seen.BodySHA, seen.Body, seen.Trailer = hex.EncodeToString(h.Sum(nil)), head.b, req.Trailer
		o.mu.Lock()
		o.reqs = append(o.reqs, seen)
		n := len(o.reqs)
		o.mu.Unlock()
		respond := o.respond
		if respond == nil {
			respond = answerSeen
		}
		if !respond(n, seen, c) {
			return
		}
	}
}

// prefixWriter keeps the first 64 KiB written to it.
type prefixWriter struct{ b []byte }

func (w *prefixWriter) Write(p []byte) (int, error) {
	if room := 64<<10 - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// answerSeen answers 200 with X-Origin-Seq (the request's number) and a
// body naming the request, keeping the connection.
func answerSeen(n int, r *seenRequest, c net.Conn) bool {
	body := fmt.Sprintf("seen %s %s %d", r.Method, r.URI, r.BodyLen)
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Origin-Seq: %d\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", n, len(body), body)
	return true
}

// requests returns the complete requests received so far.
func (o *rawOrigin) requests() []*seenRequest {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*seenRequest(nil), o.reqs...)
}

// counts returns the complete requests, the unparsable inputs and the
// cut-off requests received so far.
func (o *rawOrigin) counts() (complete int, bad []string, aborted int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.reqs), append([]string(nil), o.bad...), o.aborted
}

// accepted returns the number of connections accepted so far.
func (o *rawOrigin) accepted() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.conns
}

// settle waits, up to wireTimeout, until the origin has no connection
// open (the data plane closed every one), and reports whether it got
// there.
func (o *rawOrigin) settle() bool {
	end := time.Now().Add(wireTimeout)
	for time.Now().Before(end) {
		o.mu.Lock()
		n := o.open
		o.mu.Unlock()
		if n == 0 {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// originSeq returns a response's X-Origin-Seq, 0 when the origin did not
// answer it.
func originSeq(resp *http.Response) int {
	n, _ := strconv.Atoi(resp.Header.Get("X-Origin-Seq"))
	return n
}
