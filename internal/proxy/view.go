package proxy

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/rampartsec/rampart/internal/inspect"
)

// view is the request as basic web protection sees it (inspect.Request),
// built from an *http.Request without copying: its strings are the
// request's own. Views are pooled; the slices keep their capacity across
// requests, so a clean request allocates nothing for its view.
type view struct {
	req     inspect.Request
	cookies []inspect.Pair
	headers []inspect.Pair
	nBasic  int                         // headers[:nBasic] are those basic web protection reads without check_all_headers
	buf     *[inspect.MaxBodyBytes]byte // the body prefix; nil when no body was read
	// body is the request body that serves buf. On the net/http path it
	// is not pooled: the upstream transport may hold it after the request
	// ended. The HTTP/1.1 path, whose upstream client is done with the
	// body when it returns, uses ownBody.
	body    *prefixBody
	ownBody prefixBody
}

var views = sync.Pool{New: func() any {
	return &view{cookies: make([]inspect.Pair, 0, 8), headers: make([]inspect.Pair, 0, 8)}
}}

// bodyBuffers lends the body-prefix buffers.
var bodyBuffers = sync.Pool{New: func() any { return new([inspect.MaxBodyBytes]byte) }}

// getView returns an empty view from the pool.
func getView() *view { return views.Get().(*view) }

// release returns the view (and its body buffer) to the pool. The body
// prefix it handed to the request stops serving reads.
func (v *view) release() {
	if v.buf != nil {
		v.body.release()
		bodyBuffers.Put(v.buf)
		v.buf, v.body = nil, nil
		v.ownBody = prefixBody{}
	}
	clear(v.cookies)
	clear(v.headers)
	v.cookies, v.headers, v.nBasic = v.cookies[:0], v.headers[:0], 0
	v.req = inspect.Request{}
	views.Put(v)
}

// fill sets the method, path, query, cookies and headers of the view from
// r. The headers basic web protection reads without check_all_headers
// (User-Agent and the framing headers) come first, and then, with
// allHeaders, every other one; basicHeaders gives the first part.
func (v *view) fill(r *http.Request, allHeaders bool) {
	v.req.Method = r.Method
	v.req.Path = requestPath(r)
	v.req.RawQuery = r.URL.RawQuery
	for _, line := range r.Header["Cookie"] {
		v.addCookies(line)
	}
	for _, name := range basicHeaderNames {
		for _, value := range r.Header[name] {
			v.headers = append(v.headers, inspect.Pair{Name: name, Value: value})
		}
	}
	// The server moves Transfer-Encoding out of the header map.
	for _, te := range r.TransferEncoding {
		v.headers = append(v.headers, inspect.Pair{Name: "Transfer-Encoding", Value: te})
	}
	v.nBasic = len(v.headers)
	if allHeaders {
		for name, values := range r.Header {
			if name == "User-Agent" || name == "Content-Length" {
				continue
			}
			for _, value := range values {
				v.headers = append(v.headers, inspect.Pair{Name: name, Value: value})
			}
		}
	}
	v.req.Cookies = v.cookies
	v.req.Headers = v.headers
}

// basicHeaderNames are the headers basic web protection reads without
// check_all_headers (with Transfer-Encoding).
var basicHeaderNames = [...]string{"User-Agent", "Content-Length"}

// basicHeaders narrows the view's headers to those basic web protection
// reads without check_all_headers (the rules, which read them all, have
// run by then).
func (v *view) basicHeaders() { v.req.Headers = v.headers[:v.nBasic] }

// requestPath is the path as the client sent it (still percent-encoded).
func requestPath(r *http.Request) string {
	if uri := r.RequestURI; strings.HasPrefix(uri, "/") {
		path, _, _ := strings.Cut(uri, "?")
		return path
	}
	return r.URL.EscapedPath()
}

// wantsBody reports whether the body of r is worth reading for in: there
// is one, and the inspector looks at bodies of its type.
func wantsBody(r *http.Request, in *inspect.Inspector) bool {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return false
	}
	return in.InspectsBody(r.Header.Get("Content-Type"))
}

// readBody reads at most inspect.MaxBodyBytes of the body into the view
// and replaces r.Body with that prefix followed by the rest, so that the
// origin receives the body unchanged while no more than the prefix is
// ever held.
func (v *view) readBody(r *http.Request) {
	v.buf = bodyBuffers.Get().(*[inspect.MaxBodyBytes]byte)
	limit := int64(len(v.buf))
	if r.ContentLength > 0 && r.ContentLength < limit {
		limit = r.ContentLength
	}
	n, err := io.ReadFull(r.Body, v.buf[:limit])
	ended := err == io.EOF || err == io.ErrUnexpectedEOF || (err == nil && int64(n) == r.ContentLength)
	if ended {
		err = nil
		if r.ContentLength > 0 && int64(n) < r.ContentLength {
			err = io.ErrUnexpectedEOF // shorter than its Content-Length
		}
	}
	v.req.Body = v.buf[:n]
	v.req.BodyType = r.Header.Get("Content-Type")
	v.body = &prefixBody{prefix: v.buf[:n], rest: r.Body, ended: ended, err: err}
	r.Body = v.body
}

// errBodyReleased is what a body prefix answers once the request it
// belonged to is over.
var errBodyReleased = errors.New("proxy: request body read after the request ended")

// prefixBody is a request body whose first bytes were already read (for
// inspection): it serves them, then the rest of the client's body. The
// prefix lives in a pooled buffer; release cuts it off, so that a read
// by the upstream transport after the request ended never sees a buffer
// lent to another request.
type prefixBody struct {
	mu       sync.Mutex
	prefix   []byte
	rest     io.Reader // closed by Close when it is an io.Closer
	ended    bool      // the client's body ended within the prefix
	err      error     // a read error met while reading the prefix
	released bool
}

func (b *prefixBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.released {
		b.mu.Unlock()
		return 0, errBodyReleased
	}
	if len(b.prefix) > 0 {
		n := copy(p, b.prefix)
		b.prefix = b.prefix[n:]
		b.mu.Unlock()
		return n, nil
	}
	ended, err := b.ended, b.err
	b.mu.Unlock()
	switch {
	case err != nil:
		return 0, err
	case ended:
		return 0, io.EOF
	}
	return b.rest.Read(p)
}

func (b *prefixBody) Close() error {
	if c, ok := b.rest.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (b *prefixBody) release() {
	b.mu.Lock()
	b.released = true
	b.prefix = nil
	b.mu.Unlock()
}
