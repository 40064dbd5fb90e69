package proxy

import (
	"strings"
	"sync"

	"github.com/valyala/fasthttp"

	"github.com/rampartsec/rampart/internal/inspect"
)

// fauthRequest is the request a forward-auth asker (nginx auth_request,
// Caddy forward_auth, Traefik ForwardAuth, Envoy ext_authz, HAProxy) asks
// about, as a clientRequest: the method and request target are the
// original request's, taken from the asker's headers (see
// originalRequest); the headers are the asker's request's, which the
// askers copy from the original request, without the asker's own
// credential and the headers that carried the request line.
// Pointers to it are pooled (fauthRequests): as an interface value, a
// struct of this size would be allocated for every question.
type fauthRequest struct {
	ctx       *fasthttp.RequestCtx
	meth, uri string // the original request's, as the asker gave them
}

// fauthRequests lends the questions' fauthRequests.
var fauthRequests = sync.Pool{New: func() any { return new(fauthRequest) }}

// Header names of the forward-auth conventions.
const (
	hdrAPIKey          = "X-Api-Key"
	hdrForwardedMethod = "X-Forwarded-Method" // Traefik, Caddy
	hdrForwardedURI    = "X-Forwarded-Uri"    // Traefik, Caddy
	hdrForwardedHost   = "X-Forwarded-Host"   // Traefik, Caddy; set by the nginx and HAProxy configurations
	hdrOriginalMethod  = "X-Original-Method"  // the nginx auth_request custom
	hdrOriginalURI     = "X-Original-Uri"     // the nginx auth_request custom
)

// originalRequest returns the original request's method, request target
// and host (lower case, without port) from the asker's request:
// X-Forwarded-Method, else X-Original-Method, else the asker's own method
// (Envoy and nginx ask with the original method); X-Forwarded-Uri, else
// X-Original-URI, else the asker's own target without prefix (Envoy asks
// with prefix + the original path); X-Forwarded-Host (its first item),
// else the asker's Host (Envoy keeps the original one).
func originalRequest(h *fasthttp.RequestHeader, prefix string) (method, uri, host string) {
	method = b2s(h.Peek(hdrForwardedMethod))
	if method == "" {
		method = b2s(h.Peek(hdrOriginalMethod))
	}
	if method == "" {
		method = b2s(h.Method())
	}
	uri = b2s(h.Peek(hdrForwardedURI))
	if uri == "" {
		uri = b2s(h.Peek(hdrOriginalURI))
	}
	if uri == "" {
		uri = b2s(h.RequestURI())
		if prefix != "" {
			if rest, ok := strings.CutPrefix(uri, prefix); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
				uri = rest
			}
		}
	}
	if uri == "" || uri[0] == '?' {
		uri = "/" + uri
	}
	host = b2s(h.Peek(hdrForwardedHost))
	if i := strings.IndexByte(host, ','); i >= 0 {
		host = strings.TrimSpace(host[:i])
	}
	if host == "" {
		host = b2s(h.Host())
	}
	return method, uri, lowerHost(stripPort(host))
}

func (f *fauthRequest) method() string     { return f.meth }
func (f *fauthRequest) requestURI() string { return f.uri }

func (f *fauthRequest) header(name string) string {
	if name == hdrAPIKey {
		return ""
	}
	return b2s(f.ctx.Request.Header.Peek(name))
}

func (f *fauthRequest) headerValue(name string, i int) (string, bool) {
	if name == hdrAPIKey {
		return "", false
	}
	return fastRequest{f.ctx}.headerValue(name, i)
}

// fillView fills the view with the original request line and the asker's
// headers but the credential and the request-line carriers (their values
// are the method, path and query the checks read as such).
func (f *fauthRequest) fillView(v *view, allHeaders bool) {
	fillFastView(v, &f.ctx.Request.Header, f.meth, f.uri, skipFauthHeader, allHeaders)
}

// skipFauthHeader names the headers of a forward-auth question the checks
// never see.
func skipFauthHeader(name string) bool {
	switch name {
	case hdrAPIKey, hdrForwardedMethod, hdrForwardedURI, hdrOriginalMethod, hdrOriginalURI:
		return true
	}
	return false
}

// readBody reads nothing: the askers send no body (forward auth runs the
// checks that need none).
func (f *fauthRequest) readBody(*view, *inspect.Inspector) {}
