package aksk

import (
	"crypto/sha256"
	"net/http"
)

// Test hooks into the canonicalisation steps, for the external test package.

// CanonicalURI returns the canonical URI of the decoded path p.
func CanonicalURI(p string) string { return string(appendCanonicalURI(nil, p)) }

// CanonicalQuery returns the canonical query of the raw query q.
func CanonicalQuery(q string) string { return string(appendCanonicalQuery(nil, q)) }

// CanonicalRequest returns the canonical request of r.
func CanonicalRequest(r *http.Request, body []byte, signedHeaders []string) string {
	return string(appendCanonicalRequest(nil, r, body, signedHeaders))
}

// MAC returns the raw MAC that Signature hex-encodes.
func MAC(r *http.Request, body []byte, signedHeaders []string, secretKey string) [sha256.Size]byte {
	return computeMAC(r, body, signedHeaders, secretKey)
}
