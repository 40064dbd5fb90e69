package aksk

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Signature returns the lower-case hex SDK-HMAC-SHA256 signature of r over
// signedHeaders, keyed with secretKey. body is the raw request body (r.Body
// is not read). The canonical request is rebuilt from r.Method, the decoded
// r.URL.Path, the query parsed from r.URL.RawQuery (as r.URL.Query parses
// it), the listed headers in the order given ("host" is r.Host) and the body
// hash; the string to sign takes the X-Sdk-Date header value as is.
func Signature(r *http.Request, body []byte, signedHeaders []string, secretKey string) string {
	mac := computeMAC(r, body, signedHeaders, secretKey)
	return hex.EncodeToString(mac[:])
}

// Verify reports whether a.Signature is the signature of r over
// a.SignedHeaders with secretKey. The comparison is constant-time. It does
// not check a.AccessKey, nor how old the X-Sdk-Date is. The work is linear
// in the size of the request's headers as long as a comes from
// ParseAuthorization, which bounds and de-duplicates the signed headers.
func Verify(r *http.Request, body []byte, a Authorization, secretKey string) bool {
	want, ok := decodeSignature(a.Signature)
	if !ok {
		return false
	}
	got := computeMAC(r, body, a.SignedHeaders, secretKey)
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// Sign signs r the way the official Huawei Cloud Go SDK does, with body as
// the payload that will be sent (r.Body is neither read nor set). It sets
// X-Sdk-Date to now in UTC; like the SDK, it sets X-Sdk-Content-Sha256 to
// UNSIGNED-PAYLOAD when a Content-Type header is present that is neither
// JSON nor BSON; it signs every header in r.Header except Authorization,
// names starting with "content-type" and names containing '_', lower-cased
// and sorted ("host" is not in r.Header, so it is never signed); and it sets
// the Authorization header, replacing any previous one.
func Sign(r *http.Request, body []byte, accessKey, secretKey string, now time.Time) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Del("Authorization")
	if ct, ok := r.Header["Content-Type"]; ok {
		v := strings.Join(ct, ",")
		if !strings.Contains(v, "application/json") && !strings.Contains(v, "application/bson") {
			r.Header.Set(ContentSHA256Header, UnsignedPayload)
		}
	}
	r.Header.Set(DateHeader, now.UTC().Format(DateLayout))

	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "content-type") || strings.Contains(k, "_") || lk == "authorization" {
			continue
		}
		names = append(names, lk)
	}
	slices.Sort(names)
	names = slices.Compact(names)

	sig := Signature(r, body, names, secretKey)
	r.Header.Set("Authorization", Algorithm+" Access="+accessKey+
		", SignedHeaders="+strings.Join(names, ";")+", Signature="+sig)
}

// bufPool holds scratch buffers for the canonical request and the HMAC's
// inner block. Buffers that grew past maxPooledBuf are dropped.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooledBuf = 64 << 10

const blockSize = 64 // SHA-256 block size, the HMAC key width

// computeMAC returns HMAC-SHA256(secretKey, string to sign) for r. The HMAC is
// computed directly (RFC 2104) on top of sha256.Sum256 so that nothing is
// allocated per call; the test suite cross-checks it against crypto/hmac.
func computeMAC(r *http.Request, body []byte, signedHeaders []string, secretKey string) [sha256.Size]byte {
	bp := bufPool.Get().(*[]byte)
	b := appendCanonicalRequest((*bp)[:0], r, body, signedHeaders)
	crHash := sha256.Sum256(b)

	// Key block: the key itself, or its hash when longer than a block.
	var key [blockSize]byte
	if len(secretKey) > blockSize {
		h := sha256.Sum256([]byte(secretKey))
		copy(key[:], h[:])
	} else {
		copy(key[:], secretKey)
	}

	// Inner hash over (key ^ ipad) || string to sign.
	b = b[:0]
	for _, k := range key {
		b = append(b, k^0x36)
	}
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = append(b, r.Header.Get(DateHeader)...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, crHash[:])
	inner := sha256.Sum256(b)

	// Outer hash over (key ^ opad) || inner.
	var outer [blockSize + sha256.Size]byte
	for i, k := range key {
		outer[i] = k ^ 0x5c
	}
	copy(outer[blockSize:], inner[:])
	mac := sha256.Sum256(outer[:])

	clear(b[:blockSize]) // do not leave key material in the pool
	if cap(b) <= maxPooledBuf {
		*bp = b[:0]
		bufPool.Put(bp)
	}
	return mac
}

// appendCanonicalRequest appends the canonical request of r to b.
func appendCanonicalRequest(b []byte, r *http.Request, body []byte, signedHeaders []string) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, r.URL.Path)
	b = append(b, '\n')
	b = appendCanonicalQuery(b, r.URL.RawQuery)
	b = append(b, '\n')
	b = appendCanonicalHeaders(b, r, signedHeaders)
	b = append(b, '\n')
	for i, h := range signedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, h...)
	}
	b = append(b, '\n')
	// The header replaces the body hash only for UNSIGNED-PAYLOAD, the one
	// value the SDK sends. Any other value would be a hash the client claims
	// for the body: it is not trusted, the body received is hashed instead,
	// so a replayed request cannot carry a new body under the old hash.
	if v, ok := r.Header[ContentSHA256Header]; ok && len(v) > 0 && v[0] == UnsignedPayload {
		return append(b, UnsignedPayload...)
	}
	sum := sha256.Sum256(body)
	return hex.AppendEncode(b, sum[:])
}

// appendCanonicalURI appends the canonical form of the decoded path p: every
// segment escaped, joined with '/', ending in '/'.
func appendCanonicalURI(b []byte, p string) []byte {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c == '/' {
			b = append(b, '/')
		} else {
			b = appendEscapedByte(b, c)
		}
	}
	if len(p) == 0 || p[len(p)-1] != '/' {
		b = append(b, '/')
	}
	return b
}

// maxQueryParams mirrors net/url's default limit: beyond it url.ParseQuery
// (and so r.URL.Query) yields nothing, and so does the canonical query.
const maxQueryParams = 10000

type queryPair struct{ k, v string }

// appendCanonicalQuery appends the canonical query built from rawQuery. The
// pairs are exactly those url.ParseQuery keeps (pairs with ';' or a bad
// escape are skipped), sorted by key then value, escaped, "k=v" joined by
// '&'.
func appendCanonicalQuery(b []byte, rawQuery string) []byte {
	if rawQuery == "" || strings.Count(rawQuery, "&")+1 > maxQueryParams {
		return b
	}
	var stack [16]queryPair
	pairs := stack[:0]
	for q := rawQuery; q != ""; {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" || strings.IndexByte(kv, ';') >= 0 {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		v, err = url.QueryUnescape(v)
		if err != nil {
			continue
		}
		pairs = append(pairs, queryPair{k, v})
	}
	if len(pairs) > 1 {
		slices.SortFunc(pairs, func(x, y queryPair) int {
			if c := strings.Compare(x.k, y.k); c != 0 {
				return c
			}
			return strings.Compare(x.v, y.v)
		})
	}
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = appendEscaped(b, p.k)
		b = append(b, '=')
		b = appendEscaped(b, p.v)
	}
	return b
}

// appendCanonicalHeaders appends "name:value\n" for each signed header (one
// line per value, values sorted, as the SDK does for repeated headers; an
// absent header contributes nothing), or a lone "\n" when no line was
// written, as the SDK's join-then-newline does.
func appendCanonicalHeaders(b []byte, r *http.Request, signedHeaders []string) []byte {
	start := len(b)
	for _, name := range signedHeaders {
		if strings.EqualFold(name, "host") {
			host := r.Host
			if host == "" && r.URL != nil {
				host = r.URL.Host
			}
			b = appendHeaderLine(b, name, host)
			continue
		}
		vals := headerValues(r.Header, name)
		if len(vals) > 1 {
			vals = slices.Clone(vals)
			slices.Sort(vals)
		}
		for _, v := range vals {
			b = appendHeaderLine(b, name, v)
		}
	}
	if len(b) == start {
		b = append(b, '\n')
	}
	return b
}

func appendHeaderLine(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ':')
	b = append(b, strings.TrimSpace(value)...)
	return append(b, '\n')
}

// headerValues returns the values of header name in h, looking it up under
// its canonical MIME key without allocating for ordinary names. Headers set
// under a non-canonical key (only possible by writing the map directly) are
// found by a case-insensitive scan.
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	var vals []string
	if key, ok := canonicalKey(&buf, name); ok {
		vals = h[string(key)]
	} else {
		vals = h[textproto.CanonicalMIMEHeaderKey(name)]
	}
	if len(vals) > 0 {
		return vals
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			vals = append(vals, v...)
		}
	}
	return vals
}

// canonicalKey writes the canonical MIME form of name ("x-sdk-date" ->
// "X-Sdk-Date") into buf. It handles names of letters, digits and '-' that
// fit in buf and reports false for anything else.
func canonicalKey(buf *[64]byte, name string) ([]byte, bool) {
	if name == "" || len(name) > len(buf) {
		return nil, false
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				c -= 'a' - 'A'
			}
		case 'A' <= c && c <= 'Z':
			if !upper {
				c += 'a' - 'A'
			}
		case '0' <= c && c <= '9', c == '-':
		default:
			return nil, false
		}
		buf[i] = c
		upper = c == '-'
	}
	return buf[:len(name)], true
}

const upperHex = "0123456789ABCDEF"

// appendEscaped appends s with every byte outside A-Z a-z 0-9 - _ . ~
// percent-encoded in upper-case hex (the SDK's escape).
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = appendEscapedByte(b, s[i])
	}
	return b
}

func appendEscapedByte(b []byte, c byte) []byte {
	if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' {
		return append(b, c)
	}
	return append(b, '%', upperHex[c>>4], upperHex[c&15])
}

// decodeSignature decodes a 64-digit hex signature (either case).
func decodeSignature(s string) (sig [sha256.Size]byte, ok bool) {
	if len(s) != 2*sha256.Size {
		return sig, false
	}
	for i := range sig {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return sig, false
		}
		sig[i] = hi<<4 | lo
	}
	return sig, true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
