package condition

import (
	"strings"
	"sync"
	"unsafe"

	"github.com/rampartsec/rampart/internal/inspect"
)

// Part names a part of a request made of named fields.
type Part uint8

// The parts of a request made of named fields.
const (
	Params Part = iota + 1
	Cookies
	Headers
)

func partOf(src source) Part {
	switch src {
	case srcCookie:
		return Cookies
	case srcHeader, srcUserAgent, srcReferer:
		return Headers
	}
	return Params
}

// EachField calls fn with the name and value of every field of a part of
// req, in request order, until fn returns false. Parameters come from
// req.Params or, when the data plane left Params nil, from req.RawQuery,
// split on '&' and '=' and percent-decoded ('+' is a space; an invalid
// escape is kept as it is). The strings fn receives may live in a reused
// buffer: they are valid only during the call.
func EachField(req *inspect.Request, part Part, fn func(name, value string) bool) {
	var pairs []inspect.Pair
	switch part {
	case Cookies:
		pairs = req.Cookies
	case Headers:
		pairs = req.Headers
	case Params:
		if req.Params == nil {
			eachQueryParam(req.RawQuery, fn)
			return
		}
		pairs = req.Params
	}
	for _, p := range pairs {
		if !fn(p.Name, p.Value) {
			return
		}
	}
}

// decodeBuffers lends the buffers a percent-encoded query is decoded into.
var decodeBuffers = sync.Pool{New: func() any { return new([2][]byte) }}

func eachQueryParam(q string, fn func(name, value string) bool) {
	var bufs *[2][]byte
	if strings.ContainsAny(q, "%+") {
		bufs = decodeBuffers.Get().(*[2][]byte)
		defer decodeBuffers.Put(bufs)
	}
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if bufs != nil {
			k = decode(&bufs[0], k)
			v = decode(&bufs[1], v)
		}
		if !fn(k, v) {
			return
		}
	}
}

// decode percent-decodes s into *buf when it needs it; the result is valid
// until the buffer is used again.
func decode(buf *[]byte, s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	out, changed := inspect.URLDecode((*buf)[:0], s, true)
	*buf = out // kept, grown, for the next value
	if !changed {
		return s
	}
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// Header returns the value of the first header of req named name (ASCII
// case-insensitive).
func Header(req *inspect.Request, name string) (string, bool) {
	for _, h := range req.Headers {
		if equalFoldASCII(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// equalFoldASCII reports whether a and b are equal with ASCII letters
// folded to lower case (header names are ASCII tokens; no Unicode folding).
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// equalLower reports whether name, with its ASCII letters in lower case,
// is lower (which is in lower case already).
func equalLower(name, lower string) bool {
	if len(name) != len(lower) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// protocolLen is the length of "HTTP/1.1" (and "HTTP/1.0"): the request
// view does not carry the protocol, and an HTTP/2 or HTTP/3 request has no
// request line, so every request is measured as an HTTP/1.1 one.
const protocolLen = len("HTTP/1.1")

// RequestLineLen is the length of the request line "METHOD URI HTTP/1.1":
// the method, the path as received and, when there is one, '?' and the
// query.
func RequestLineLen(req *inspect.Request) int {
	n := len(req.Method) + 1 + len(req.Path) + 1 + protocolLen
	if req.RawQuery != "" {
		n += 1 + len(req.RawQuery)
	}
	return n
}

// RequestLen is the length of the request head as HTTP/1.1 sends it: the
// request line and CRLF, "Host: <host>" and CRLF when req.Host is set, one
// "Name: value" and CRLF per header of the view, and the closing CRLF. The
// body is not counted.
func RequestLen(req *inspect.Request) int {
	n := RequestLineLen(req) + 2
	if req.Host != "" {
		n += len("Host: ") + len(req.Host) + 2
	}
	for _, h := range req.Headers {
		n += len(h.Name) + 2 + len(h.Value) + 2
	}
	return n + 2
}
