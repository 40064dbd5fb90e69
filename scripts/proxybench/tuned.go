package main

import (
	"flag"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// hopHeaders are the hop-by-hop headers of RFC 9110 section 7.6.1 that a
// proxy must not forward.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// tuned is the tuned net/http candidate of issue 16: a net/http server
// whose handler builds the outgoing request itself (reusing the incoming
// header map), calls Transport.RoundTrip directly and copies the response
// with a pooled 32 KB buffer; no httputil.ReverseProxy. It forwards GETs
// and bodies; it does not handle upgrades, trailers or 1xx responses.
func tuned(args []string) error {
	fs := flag.NewFlagSet("tuned", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:18306", "address")
	upstream := fs.String("upstream", "http://127.0.0.1:18300", "upstream URL")
	fs.Parse(args)
	u, err := url.Parse(*upstream)
	if err != nil {
		return err
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		WriteBufferSize:     16 << 10,
		ReadBufferSize:      16 << 10,
	}
	f := &tunedForwarder{transport: tr, scheme: u.Scheme, host: u.Host}
	srv := &http.Server{Addr: *listen, Handler: f, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}

// tunedForwarder forwards every request to one origin.
type tunedForwarder struct {
	transport *http.Transport
	scheme    string
	host      string
	buffers   bufferPool
}

func (f *tunedForwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := r.Header
	removeHopHeaders(h)
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if prior := h["X-Forwarded-For"]; len(prior) > 0 {
			ip = strings.Join(prior, ", ") + ", " + ip
		}
		h["X-Forwarded-For"] = []string{ip}
	}
	out := &http.Request{
		Method:        r.Method,
		URL:           &url.URL{Scheme: f.scheme, Host: f.host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          r.Body,
		ContentLength: r.ContentLength,
		Host:          r.Host,
	}
	if r.ContentLength == 0 {
		out.Body = nil
	}
	out = out.WithContext(r.Context())
	resp, err := f.transport.RoundTrip(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	removeHopHeaders(resp.Header)
	dst := w.Header()
	for k, v := range resp.Header {
		dst[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	buf := f.buffers.Get()
	_, _ = io.CopyBuffer(w, resp.Body, buf)
	f.buffers.Put(buf)
}

// removeHopHeaders deletes the hop-by-hop headers, including those the
// Connection header names.
func removeHopHeaders(h http.Header) {
	for _, c := range h["Connection"] {
		for _, name := range strings.Split(c, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		delete(h, name)
	}
}
