// Package aksk implements SDK-HMAC-SHA256, the access-key/secret-key request
// signature of the Huawei Cloud API gateway, as produced by the official
// Huawei Cloud SDKs.
//
// The server side uses [ParseAuthorization], [ParseDate] and [Verify]: the
// Authorization header names the access key, the list of signed headers and
// a hex HMAC-SHA256 over a canonical form of the request; [Verify] rebuilds
// that canonical request from what was received and compares the MACs in
// constant time. Checking that the X-Sdk-Date is recent, looking the access
// key up and locking it out after repeated failures are the caller's job.
// [Sign] does what the SDK's signer does and exists so that tests and tools
// can produce byte-for-byte SDK-identical requests.
//
// Canonical request (one field per line):
//
//	METHOD
//	canonical URI     the decoded path, every byte outside A-Z a-z 0-9 - _ . ~
//	                  percent-encoded except '/', always ending in '/'
//	canonical query   the parsed query, sorted by key then value, each pair
//	                  encoded like the path; a key without value gives "k="
//	canonical headers "name:value\n" per signed header, in the order listed
//	                  (then an empty line)
//	signed headers    the list joined with ';'
//	payload hash      hex SHA-256 of the body, or UNSIGNED-PAYLOAD when the
//	                  X-Sdk-Content-Sha256 header says so
//
// The string to sign is "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + hex
// SHA-256 of the canonical request, and the signature is the hex
// HMAC-SHA256 of it keyed with the secret key itself (no key derivation).
//
// Cost: [Verify] builds the canonical request in a pooled buffer, hashes it
// with SHA-256 and computes the HMAC without crypto/hmac's per-call state, so
// a typical SDK request verifies in a few microseconds with no heap
// allocation. [ParseAuthorization] allocates only the signed-header slice.
// All functions are safe for concurrent use.
package aksk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm this package accepts and produces.
const Algorithm = "SDK-HMAC-SHA256"

// DateLayout is the time layout of the X-Sdk-Date header (always UTC).
const DateLayout = "20060102T150405Z"

// DateHeader is the request header carrying the signing time.
const DateHeader = "X-Sdk-Date"

// ContentSHA256Header, when present on a request with the value
// UnsignedPayload, replaces the body hash in the canonical request (the SDK
// sends it for content types other than JSON and BSON).
const ContentSHA256Header = "X-Sdk-Content-Sha256"

// UnsignedPayload is the only ContentSHA256Header value honoured: it puts
// this literal in place of the body hash. Other values are ignored and the
// received body is hashed, since the header is not necessarily signed.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// MaxSignedHeaders is the longest SignedHeaders list ParseAuthorization
// accepts. The SDKs sign a handful of headers.
const MaxSignedHeaders = 64

// Errors returned by ParseAuthorization and ParseDate; the returned error
// wraps one of them and adds detail.
var (
	// ErrUnsupportedAlgorithm: the Authorization header names another scheme
	// (for example SDK-HMAC-SM3, V11-HMAC-SHA256 or Bearer).
	ErrUnsupportedAlgorithm = errors.New("aksk: unsupported signing algorithm")
	// ErrMalformed: the Authorization header is not a well-formed
	// SDK-HMAC-SHA256 credential.
	ErrMalformed = errors.New("aksk: malformed Authorization header")
	// ErrMalformedDate: the X-Sdk-Date value is not in DateLayout.
	ErrMalformedDate = errors.New("aksk: malformed " + DateHeader)
)

// Authorization is a parsed SDK-HMAC-SHA256 Authorization header. The zero
// value is not a valid credential. SignedHeaders keeps the names exactly as
// received, in the order received: the signature covers them in that order.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization parses an Authorization header value of the form
//
//	SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex
//
// Whitespace around the parts, the commas and the '=' signs is tolerated and
// the three parts may come in any order, but each must appear exactly once,
// with a non-empty value, and no other part is allowed. Signed header names
// must be non-empty HTTP tokens (surrounding whitespace is dropped), at most
// MaxSignedHeaders of them and none listed twice (in any case): a repeated
// name would let a small header make the canonical request arbitrarily
// large. Their case and order are kept as received.
// The signature must be 64 hex digits. A different algorithm yields an error
// wrapping ErrUnsupportedAlgorithm; anything else wrong wraps ErrMalformed.
func ParseAuthorization(v string) (Authorization, error) {
	v = strings.TrimSpace(v)
	i := strings.IndexAny(v, " \t")
	if i < 0 {
		switch {
		case v == "":
			return Authorization{}, malformed("empty header")
		case v == Algorithm:
			return Authorization{}, malformed("missing credentials after the algorithm")
		case strings.ContainsRune(v, '='):
			return Authorization{}, malformed("missing algorithm")
		}
		return Authorization{}, fmt.Errorf("%w %s", ErrUnsupportedAlgorithm, quote(v))
	}
	if alg := v[:i]; alg != Algorithm {
		return Authorization{}, fmt.Errorf("%w %s", ErrUnsupportedAlgorithm, quote(alg))
	}
	var (
		a                                Authorization
		headers                          string
		haveAccess, haveHeaders, haveSig bool
	)
	for part := range strings.SplitSeq(v[i:], ",") {
		key, val, ok := strings.Cut(part, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok {
			if key == "" {
				return Authorization{}, malformed("empty part")
			}
			return Authorization{}, malformed("part " + quote(key) + " has no '='")
		}
		var seen *bool
		switch key {
		case "Access":
			seen, a.AccessKey = &haveAccess, val
		case "SignedHeaders":
			seen, headers = &haveHeaders, val
		case "Signature":
			seen, a.Signature = &haveSig, val
		default:
			return Authorization{}, malformed("unknown part " + quote(key))
		}
		if *seen {
			return Authorization{}, malformed("duplicate " + key)
		}
		*seen = true
		if val == "" {
			return Authorization{}, malformed("empty " + key)
		}
	}
	switch {
	case !haveAccess:
		return Authorization{}, malformed("missing Access")
	case !haveHeaders:
		return Authorization{}, malformed("missing SignedHeaders")
	case !haveSig:
		return Authorization{}, malformed("missing Signature")
	}
	if !validAccessKey(a.AccessKey) {
		return Authorization{}, malformed("invalid Access")
	}
	if _, ok := decodeSignature(a.Signature); !ok {
		return Authorization{}, malformed("Signature is not 64 hex digits")
	}
	n := strings.Count(headers, ";") + 1
	if n > MaxSignedHeaders {
		return Authorization{}, malformed("more than " + strconv.Itoa(MaxSignedHeaders) + " signed headers")
	}
	a.SignedHeaders = make([]string, 0, n)
	for h := range strings.SplitSeq(headers, ";") {
		h = strings.TrimSpace(h)
		if !validToken(h) {
			return Authorization{}, malformed("invalid signed header name " + quote(h))
		}
		for _, prev := range a.SignedHeaders {
			if strings.EqualFold(prev, h) {
				return Authorization{}, malformed("signed header " + quote(h) + " listed twice")
			}
		}
		a.SignedHeaders = append(a.SignedHeaders, h)
	}
	return a, nil
}

// ParseDate parses an X-Sdk-Date value such as "20250101T000000Z". The result
// is in UTC.
func ParseDate(v string) (time.Time, error) {
	// time.Parse alone accepts one-digit hours and similar variants; the
	// length check pins the exact sixteen-character form.
	if len(v) != len(DateLayout) {
		return time.Time{}, fmt.Errorf("%w %q: want %s", ErrMalformedDate, v, DateLayout)
	}
	t, err := time.Parse(DateLayout, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w %q: want %s", ErrMalformedDate, v, DateLayout)
	}
	return t, nil
}

func malformed(detail string) error { return fmt.Errorf("%w: %s", ErrMalformed, detail) }

// quote quotes s for an error message, cutting it short so that a hostile
// header cannot blow up log lines.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// validAccessKey reports whether ak is made of printable ASCII other than
// space, comma, semicolon and quotes (real keys are upper-case alphanumeric).
func validAccessKey(ak string) bool {
	for i := 0; i < len(ak); i++ {
		c := ak[i]
		if c <= ' ' || c >= 0x7f || c == ',' || c == ';' || c == '"' || c == '\'' {
			return false
		}
	}
	return ak != ""
}

// validToken reports whether s is a non-empty HTTP token (RFC 9110 tchar*).
func validToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return s != ""
}

func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
