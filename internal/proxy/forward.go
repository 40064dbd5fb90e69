package proxy

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// newReverseProxy returns the forwarding of one pool: the server is chosen
// per request by the pool's algorithm; a server that refuses the
// connection is marked down and another is tried.
func (p *Proxy) newReverseProxy(pl *pool) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			client, trusted := p.clientIP(pr.In)
			s := pl.pick(sessionOf(pl, pr.In), client, time.Now().UnixNano())
			pr.Out.URL.Scheme = s.scheme
			pr.Out.URL.Host = s.host
			if pr.Out.Host == "" {
				// HTTP/1.0 without Host over TLS was routed by the
				// server name; the origin gets that name too, not its
				// own address.
				pr.Out.Host = requestHost(pr.In)
			}
			p.setForwarded(pr, client, trusted)
			dropH2CUpgrade(pr.Out.Header)
			dropUnderscoreForwarding(pr.Out.Header)
			dropConsoleCookie(pr.Out.Header)
			if pr.In.Trailer != nil {
				// Request trailers arrive after the body: the server fills
				// the client request's map when the body ends, and the
				// transport sends the values it then holds. The clone made
				// for the outgoing request has only the declared names.
				pr.Out.Trailer = pr.In.Trailer
			}
			if pr.Out.Body != nil && pr.Out.Body != http.NoBody {
				pr.Out.Body = &retryBody{rc: pr.Out.Body}
			}
		},
		Transport: &retryTransport{p: p, pl: pl},
		ModifyResponse: func(resp *http.Response) error {
			pl.metrics.countUpstream(resp.StatusCode)
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			pg := pageBadGateway
			if isTimeout(err) {
				pg = pageGatewayTimeout
			}
			pl.metrics.count(pg.Status)
			p.log.Debug("proxy: upstream failed", "host", r.Host, "err", err)
			pg.write(w, r, "")
		},
		BufferPool: &p.buffers,
		ErrorLog:   slog.NewLogLogger(p.log.Handler(), slog.LevelDebug),
	}
}

// setForwarded sets the headers that tell the upstream who the client is.
// X-Forwarded-For extends a trusted peer's list, else is replaced by the
// peer's address; X-Real-IP is the client address; X-Forwarded-Proto is a
// trusted peer's, else the client connection's scheme.
func (p *Proxy) setForwarded(pr *httputil.ProxyRequest, client netip.Addr, trusted bool) {
	in, h := pr.In, pr.Out.Header
	peer := peerAddr(in)
	peerStr := peer.String()
	proto := "http"
	if in.TLS != nil {
		proto = "https"
	}
	xff := peerStr
	if trusted {
		if prior := in.Header.Values("X-Forwarded-For"); len(prior) > 0 {
			xff = strings.Join(prior, ", ") + ", " + peerStr
		}
		if v := in.Header.Get("X-Forwarded-Proto"); v == "http" || v == "https" {
			proto = v
		}
	}
	// One backing array for the four header values.
	vals := [4]string{xff, proto, pr.Out.Host, ""}
	vs := vals[:]
	h["X-Forwarded-For"] = vs[0:1:1]
	h["X-Forwarded-Proto"] = vs[1:2:2]
	h["X-Forwarded-Host"] = vs[2:3:3]
	switch {
	case !client.IsValid():
		delete(h, "X-Real-Ip")
		return
	case client == peer:
		vs[3] = peerStr
	default:
		vs[3] = client.String()
	}
	h["X-Real-Ip"] = vs[3:4:4]
}

// dropH2CUpgrade removes an upgrade to cleartext HTTP/2 from an upstream
// request, which then goes as a plain HTTP/1.1 request. An origin that
// switched to h2c would read every further request of the connection from
// the tunnel, past the data plane's checks (h2c smuggling). Other upgrades
// (WebSocket) are forwarded. HTTP2-Settings belongs to the h2c upgrade
// alone and is always removed.
func dropH2CUpgrade(h http.Header) {
	delete(h, "Http2-Settings")
	up, ok := h["Upgrade"]
	if !ok {
		return
	}
	for _, v := range up {
		for tok := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "h2c") {
				delete(h, "Upgrade")
				delete(h, "Connection")
				return
			}
		}
	}
}

// dropUnderscoreForwarding removes a client's forwarding headers spelt
// with underscores (X_Forwarded_For, x_real_ip): CGI-style servers (PHP,
// WSGI, Rack) map "_" and "-" to the same variable, where the forged value
// would stand beside or replace the one setForwarded wrote.
func dropUnderscoreForwarding(h http.Header) {
	for k := range h {
		if strings.IndexByte(k, '_') >= 0 && isForwardingName(k) {
			delete(h, k)
		}
	}
}

// forwardingNames are the headers setForwarded writes, in lower case.
var forwardingNames = [...]string{"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip"}

// isForwardingName reports whether k is one of forwardingNames, ignoring
// case and with "_" read as "-".
func isForwardingName(k string) bool {
	for _, n := range forwardingNames {
		if len(k) != len(n) {
			continue
		}
		i := 0
		for ; i < len(k); i++ {
			c := k[i]
			if c == '_' {
				c = '-'
			} else if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != n[i] {
				break
			}
		}
		if i == len(k) {
			return true
		}
	}
	return false
}

// retryBody is an upstream request body that counts what was read and
// ignores Close while a retry may still need it.
type retryBody struct {
	rc   io.ReadCloser
	n    atomic.Int64
	hold atomic.Bool
}

func (b *retryBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func (b *retryBody) Close() error {
	if b.hold.Load() {
		return nil
	}
	return b.rc.Close()
}

// retryTransport sends a request to its chosen server and, when the
// connection cannot be made (nothing of the request was sent), to the
// pool's other servers in turn. Other failures are not retried: the
// request may have reached the server.
type retryTransport struct {
	p  *Proxy
	pl *pool
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	body, _ := req.Body.(*retryBody)
	if body != nil {
		body.hold.Store(true)
	}
	var tried [8]*upstream
	n := 0
	for {
		resp, err := t.p.transport.RoundTrip(req)
		if err == nil {
			t.p.metrics.latency.observe(time.Since(start))
			return resp, nil
		}
		if !isDialError(err) || req.Context().Err() != nil || (body != nil && body.n.Load() > 0) {
			return nil, t.fail(body, err)
		}
		now := time.Now().UnixNano()
		s := t.pl.server(req.URL.Host)
		if s != nil {
			s.downUntil.Store(now + int64(downFor))
			if n < len(tried) {
				tried[n] = s
				n++
			}
		}
		next := t.pl.another(tried[:n], now)
		if next == nil || n == len(tried) {
			return nil, t.fail(body, err)
		}
		t.p.metrics.retries.Add(1)
		r2 := *req
		u := *req.URL
		u.Scheme, u.Host = next.scheme, next.host
		r2.URL = &u
		req = &r2
	}
}

// fail releases the body after the last attempt.
func (t *retryTransport) fail(body *retryBody, err error) error {
	if body != nil {
		body.hold.Store(false)
		_ = body.Close()
	}
	return err
}

// bufferPool lends the 32 KB copy buffers of the reverse proxies. It
// pools array pointers, so returning a buffer allocates nothing.
type bufferPool struct{ p sync.Pool }

const copyBufferSize = 32 << 10

func (b *bufferPool) Get() []byte {
	if v, ok := b.p.Get().(*[copyBufferSize]byte); ok {
		return v[:]
	}
	return new([copyBufferSize]byte)[:]
}

func (b *bufferPool) Put(buf []byte) {
	if len(buf) == copyBufferSize {
		b.p.Put((*[copyBufferSize]byte)(buf))
	}
}
