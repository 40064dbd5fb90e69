package proxy

import (
	"bytes"
	"io"
	"strings"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/rampartsec/rampart/internal/inspect"
)

// fastRequest is a request the HTTP/1.1 server (fasthttp) parsed, as a
// clientRequest. Its strings are views of the server's buffers (b2s): valid
// until the handler returns and while the request is not modified.
type fastRequest struct{ ctx *fasthttp.RequestCtx }

// b2s views b as a string without copying.
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func (f fastRequest) method() string     { return b2s(f.ctx.Request.Header.Method()) }
func (f fastRequest) requestURI() string { return b2s(f.ctx.Request.Header.RequestURI()) }

func (f fastRequest) header(name string) string {
	return b2s(f.ctx.Request.Header.Peek(name))
}

func (f fastRequest) headerValue(name string, i int) (string, bool) {
	if vs := f.ctx.Request.Header.PeekAll(name); i < len(vs) {
		return b2s(vs[i]), true
	}
	return "", false
}

// fillView is view.fill for fasthttp: the headers are read from the raw
// header block as the client sent them (names in canonical form), so that
// the checks see every occurrence of a repeated header.
func (f fastRequest) fillView(v *view, allHeaders bool) {
	h := &f.ctx.Request.Header
	fillFastView(v, h, b2s(h.Method()), b2s(h.RequestURI()), nil, allHeaders)
}

// fillFastView fills the view from a fasthttp request head with the given
// method and request target; with allHeaders, every header but those skip
// names (nil: none) is added after the basic ones.
func fillFastView(v *view, h *fasthttp.RequestHeader, method, uri string, skip func(name string) bool, allHeaders bool) {
	v.req.Method = method
	v.req.Path, v.req.RawQuery = splitRequestURI(uri)
	for name, value := range h.AllInOrder() {
		switch b2s(name) {
		case "Cookie":
			v.addCookies(b2s(value))
		case "User-Agent", "Content-Length", "Transfer-Encoding":
			v.headers = append(v.headers, inspect.Pair{Name: b2s(name), Value: b2s(value)})
		}
	}
	v.nBasic = len(v.headers)
	if allHeaders {
		for name, value := range h.AllInOrder() {
			switch n := b2s(name); n {
			case "User-Agent", "Content-Length", "Transfer-Encoding", "Host": // net/http keeps Host out of its header map too
			default:
				if skip != nil && skip(n) {
					continue
				}
				v.headers = append(v.headers, inspect.Pair{Name: n, Value: b2s(value)})
			}
		}
	}
	v.req.Cookies = v.cookies
	v.req.Headers = v.headers
}

// splitRequestURI returns the path (still percent-encoded) and the query
// of a request target in origin form or absolute form.
func splitRequestURI(uri string) (path, query string) {
	if !strings.HasPrefix(uri, "/") {
		if i := strings.Index(uri, "://"); i >= 0 {
			rest := uri[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				uri = rest[j:]
			} else {
				uri = "/"
			}
		}
	}
	path, query, _ = strings.Cut(uri, "?")
	if path == "" {
		path = "/"
	}
	return path, query
}

// readBody reads at most inspect.MaxBodyBytes of the body into the view.
// The body stays in the server's stream: forward sends the prefix and then
// the rest of the stream (fastBody).
func (f fastRequest) readBody(v *view, in *inspect.Inspector) {
	req := &f.ctx.Request
	cl := req.Header.ContentLength()
	if !hasBody(&req.Header) || !in.InspectsBody(b2s(req.Header.ContentType())) {
		return
	}
	stream := req.BodyStream()
	if stream == nil {
		return
	}
	v.buf = bodyBuffers.Get().(*[inspect.MaxBodyBytes]byte)
	limit := len(v.buf)
	if cl > 0 && cl < limit {
		limit = cl
	}
	n, err := io.ReadFull(stream, v.buf[:limit])
	ended := err == io.EOF || err == io.ErrUnexpectedEOF || (err == nil && n == cl)
	if ended {
		err = nil
		if cl > 0 && n < cl {
			err = io.ErrUnexpectedEOF
		}
	}
	v.req.Body = v.buf[:n]
	v.req.BodyType = b2s(req.Header.ContentType())
	v.ownBody = prefixBody{prefix: v.buf[:n], rest: stream, ended: ended, err: err}
	v.body = &v.ownBody
}

// addCookies appends the cookies of one Cookie header line.
func (v *view) addCookies(line string) {
	for line != "" {
		var item string
		item, line, _ = strings.Cut(line, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(item), "=")
		if name == "" && value == "" {
			continue
		}
		v.cookies = append(v.cookies, inspect.Pair{Name: name, Value: value})
	}
}

// hasToken reports whether the comma-separated list holds tok (ASCII case
// insensitive).
func hasToken(list []byte, tok string) bool {
	for len(list) > 0 {
		var item []byte
		if i := bytes.IndexByte(list, ','); i >= 0 {
			item, list = list[:i], list[i+1:]
		} else {
			item, list = list, nil
		}
		if strings.EqualFold(b2s(bytes.TrimSpace(item)), tok) {
			return true
		}
	}
	return false
}
