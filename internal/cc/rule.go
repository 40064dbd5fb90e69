package cc

import (
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/ratelimit"
	"github.com/rampartsec/rampart/internal/waf"
)

// tag is what a rule counts by.
type tag uint8

const (
	tagIP      tag = iota // the client address
	tagCookie             // the value of one cookie
	tagHeader             // the value of one header
	tagReferer            // tag_type other: the Referer header
	tagPolicy             // one key for the whole policy
	tagDomain             // the request's host name
	tagURL                // the request path
)

var tags = map[string]tag{
	"ip": tagIP, "cookie": tagCookie, "header": tagHeader, "other": tagReferer,
	"policy": tagPolicy, "domain": tagDomain, "url": tagURL,
}

// rule is one compiled, enabled CC rule.
type rule struct {
	id       string
	policyID string
	action   string
	response *waf.CCResponse
	limit    ratelimit.Limit
	scope    uint64 // the rule's ID and counting settings, hashed

	// Mode 0: the path (decoded) and, when the rule's URL has one, the query.
	advanced bool
	path     string
	query    string
	hasQuery bool
	prefix   bool
	// Mode 1.
	matcher Matcher

	tag      tag
	index    string   // cookie or header name
	referers []string // tag other: the only referers counted, by prefix; empty: every one
	perHost  bool     // the key includes the request's host
}

// matches reports whether req is one the rule counts.
func (r *rule) matches(req *inspect.Request) bool {
	if r.advanced {
		return r.matcher.Match(req)
	}
	if !matchPath(req.Path, r.path, r.prefix && !r.hasQuery) {
		return false
	}
	if !r.hasQuery {
		return true
	}
	if r.prefix {
		return strings.HasPrefix(req.RawQuery, r.query)
	}
	return req.RawQuery == r.query
}

// key hashes the request's key under the rule; false when the request does
// not have the field the rule keys on.
func (r *rule) key(t *ratelimit.Table, req *inspect.Request) (uint64, bool) {
	host := ""
	if r.perHost {
		host = req.Host
	}
	if r.tag == tagIP {
		if !req.Client.IsValid() {
			return 0, false
		}
		a := req.Client.As16()
		return t.KeyBytes(r.scope, host, a[:]), true
	}
	v, ok := r.value(req)
	if !ok {
		return 0, false
	}
	return t.Key(r.scope, host, v), true
}

// value is the request's key value for every tag but ip: a substring of
// the request's own strings, never a copy.
func (r *rule) value(req *inspect.Request) (string, bool) {
	switch r.tag {
	case tagCookie:
		for _, c := range req.Cookies {
			if c.Name == r.index {
				return c.Value, c.Value != ""
			}
		}
	case tagHeader:
		v := header(req, r.index)
		return v, v != ""
	case tagReferer:
		ref := header(req, "Referer")
		if ref == "" {
			return "", false
		}
		if len(r.referers) == 0 {
			return ref, true
		}
		for _, c := range r.referers {
			if strings.HasPrefix(ref, c) {
				return c, true
			}
		}
	case tagPolicy, tagDomain:
		return "", true
	case tagURL:
		return req.Path, req.Path != ""
	}
	return "", false
}

// header is the value of the first header named name (any case).
func header(req *inspect.Request, name string) string {
	for _, h := range req.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// keyText is the key of req under the rule as a verdict reports it.
func (r *rule) keyText(req *inspect.Request) string {
	switch r.tag {
	case tagIP:
		return req.Client.Unmap().String()
	case tagPolicy:
		return r.policyID
	case tagDomain:
		if !r.perHost {
			return r.policyID
		}
		return bound(req.Host)
	}
	v, _ := r.value(req)
	return bound(v)
}
