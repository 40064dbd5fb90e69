package inspect

import "net/netip"

// Pair is one name/value item of a request: a parameter, a cookie or a
// header.
type Pair struct {
	Name  string
	Value string
}

// Request is the part of an HTTP request the detector looks at. The data
// plane fills it; nothing here reads from a connection.
//
// Path is the request path as it arrived (still percent-encoded). Params
// holds the query parameters (and, when the data plane parsed it, the form
// body) already percent-decoded once. When Params is nil, RawQuery is split
// and decoded here. Body is a prefix of the body of at most MaxBodyBytes
// (anything longer is cut here too), BodyType its Content-Type.
//
// Host (the request's host name, lower case, no port) and Client (the
// client address the data plane decided on) are read by precise-protection
// and CC rules; basic web protection ignores them.
type Request struct {
	Host     string
	Client   netip.Addr
	Method   string
	Path     string
	RawQuery string
	Params   []Pair
	Cookies  []Pair
	Headers  []Pair
	Body     []byte
	BodyType string
}

// Locations, as Protection events report them.
const (
	LocationURL    = "url"
	LocationParams = "params"
	LocationCookie = "cookie"
	LocationHeader = "header"
	LocationBody   = "body"
)

// Bounds on the work done for one request.
const (
	// MaxValueBytes is how much of one value (path, parameter, cookie,
	// header, body part) is inspected; the rest is ignored.
	MaxValueBytes = 4096
	// MaxBodyBytes is how much of the body is inspected.
	MaxBodyBytes = 64 << 10
	// MaxDecodeRounds bounds nested decoding (double URL encoding and
	// deeper).
	MaxDecodeRounds = 3
	// MaxValues bounds how many values of one request are inspected.
	MaxValues = 512
	// MaxExcerptBytes bounds the excerpt of a verdict, before escaping.
	MaxExcerptBytes = 64
)
