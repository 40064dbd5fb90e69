package waf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"
)

// Certificate is an HTTPS certificate of a project: the PEM certificate
// chain and its private key, with which the data plane terminates TLS for
// the hosts that reference it (Host.CertificateID). Key is a secret: it is
// never logged and never returned by the API.
type Certificate struct {
	ID                  string
	ProjectID           string
	EnterpriseProjectID string
	Name                string
	Content             string    // PEM certificate chain, leaf first
	Key                 string    // PEM private key matching the leaf
	ExpireTime          time.Time // the leaf's NotAfter
	CreatedAt           time.Time

	// Hosts are the hosts using the certificate (filled by the Store on
	// reads).
	Hosts []BoundHost
}

// Timestamp returns the upload time in Unix milliseconds.
func (c *Certificate) Timestamp() int64 { return ms(c.CreatedAt) }

// Certificate expiry states (exp_status).
const (
	CertValid    = 0
	CertExpired  = 1
	CertExpiring = 2 // within 30 days
)

// ExpStatus returns the certificate's expiry state at now.
func (c *Certificate) ExpStatus(now time.Time) int {
	switch {
	case !now.Before(c.ExpireTime):
		return CertExpired
	case c.ExpireTime.Sub(now) <= 30*24*time.Hour:
		return CertExpiring
	}
	return CertValid
}

// CertificateFilter selects certificates.
type CertificateFilter struct {
	ProjectID           string
	EnterpriseProjectID string // all_granted_eps: every enterprise project
	Name                string // substring
	Bound               *bool  // true: used by a host; false: unused; nil: either
	ExpStatus           *int   // CertValid, CertExpired or CertExpiring at Now; nil: any
	Now                 time.Time
	Page                Page
}

// CertificateSource gives the data plane a certificate with its key.
type CertificateSource interface {
	// Certificate returns a certificate of the project with its PEM
	// content and key. KindNotFound.
	Certificate(ctx context.Context, projectID, id string) (*Certificate, error)
}

// TLSCertificate parses the chain and key for serving TLS (the leaf is
// parsed too, so the handshake need not). Stored certificates were checked
// on write; an error means the store was changed behind the API's back.
func (c *Certificate) TLSCertificate() (tls.Certificate, error) {
	pair, err := tls.X509KeyPair([]byte(c.Content), []byte(c.Key))
	if err != nil {
		return tls.Certificate{}, invalid(CodeBody, "content", "certificate %s: %s", c.ID, certProblem(err))
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return tls.Certificate{}, invalid(CodeBody, "content", "certificate %s is not a valid X.509 certificate.", c.ID)
		}
	}
	return pair, nil
}

// maxPEM bounds a certificate chain or key.
const maxPEM = 64 << 10

// checkCertificateName validates a certificate name: 1 to 256 letters,
// digits, '-', '_' or '.'.
func checkCertificateName(name string) error {
	if name == "" || len(name) > 256 || !allOf(name, func(r rune) bool { return isAlnum(r) || r == '-' || r == '_' || r == '.' }) {
		return invalid(CodeName, "name", "name %q must be 1 to 256 letters, digits, '-', '_' or '.'.", name)
	}
	return nil
}

// setPEM validates a PEM certificate chain and its private key (they must
// parse and match) and stores them with the leaf's expiry in c.
func (c *Certificate) setPEM(content, key string) error {
	switch {
	case content == "":
		return invalid(CodeBody, "content", "content is mandatory.")
	case key == "":
		return invalid(CodeBody, "key", "key is mandatory.")
	case len(content) > maxPEM || len(key) > maxPEM:
		return invalid(CodeExceedLimit, "content", "content and key must each be at most %d bytes.", maxPEM)
	}
	// content is returned by CreateCertificate and ShowCertificate:
	// crypto/tls skips the non-certificate blocks of a chain, so a private
	// key bundled into it (a combined PEM file) would be accepted and
	// handed back.
	if err := checkChainBlocks(content); err != nil {
		return err
	}
	pair, err := tls.X509KeyPair([]byte(content), []byte(key))
	if err != nil {
		// The message names the problem without echoing the key.
		return invalid(CodeBody, "content", "content and key must be a PEM certificate chain and its matching PEM private key: %s.", certProblem(err))
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return invalid(CodeBody, "content", "content is not a valid X.509 certificate.")
	}
	c.Content, c.Key, c.ExpireTime = content, key, leaf.NotAfter.UTC().Truncate(time.Millisecond)
	return nil
}

// checkChainBlocks fails unless every PEM block of content is a
// CERTIFICATE and it mentions no private key (not even in a block too
// damaged to decode).
func checkChainBlocks(content string) error {
	if strings.Contains(content, "PRIVATE KEY") {
		return invalid(CodeBody, "content", "content must hold only the certificate chain; give the private key in key.")
	}
	rest := []byte(content)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return nil
		}
		if b.Type != "CERTIFICATE" {
			return invalid(CodeBody, "content", "content must hold only CERTIFICATE PEM blocks, not %.40q.", b.Type)
		}
	}
}

// PublicChain returns the chain the API may show: Content, or, for a
// chain stored with other PEM blocks (accepted before they were refused),
// only its CERTIFICATE blocks, so that a bundled private key never leaves
// the server.
func (c *Certificate) PublicChain() string {
	if checkChainBlocks(c.Content) == nil {
		return c.Content
	}
	var out []byte
	rest := []byte(c.Content)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return string(out)
		}
		if b.Type == "CERTIFICATE" {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: b.Bytes})...)
		}
	}
}

// certProblem summarises a crypto/tls key-pair error; it never contains
// key material.
func certProblem(err error) string {
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160]
	}
	return msg
}
