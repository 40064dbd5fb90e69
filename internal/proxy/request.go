package proxy

import (
	"net/http"
	"net/netip"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// clientRequest is a client's request as the checks read it, whichever
// HTTP server parsed it: net/http (HTTP/2, upgrades) or fasthttp
// (HTTP/1.1). Its strings may point into the server's buffers: they are
// valid during the checks only, and whatever outlives the request
// (events) is copied.
type clientRequest interface {
	// method and requestURI are as the client sent them.
	method() string
	requestURI() string
	// header returns the first value of the header (canonical name), ""
	// when it is absent.
	header(name string) string
	// headerValue returns the i-th value (from 0) of the header
	// (canonical name); ok is false past the last one.
	headerValue(name string, i int) (v string, ok bool)
	// fillView sets the view's method, path, query, cookies and headers
	// (every header with allHeaders; see view.fill).
	fillView(v *view, allHeaders bool)
	// readBody reads at most inspect.MaxBodyBytes of the body into v when
	// there is one and in inspects bodies of its type; the origin still
	// receives the whole body.
	readBody(v *view, in *inspect.Inspector)
}

// answer is how the checks answer a request they stop; the zero answer
// lets it through.
type answer struct {
	page    *page           // the page to send (with eventID); nil with cc or when let through
	eventID string          // the event of a block
	cc      *waf.CCResponse // a CC rule's own block response
	// The rule that blocked (forward auth names it in its answer's
	// headers); ruleID is the inspection rule when rule is RuleNone.
	rule   decision.RuleType
	ruleID string
}

// stops reports whether the request is answered by the checks.
func (a answer) stops() bool { return a.page != nil || a.cc != nil }

// blocked is the block page answer of an event and the rule that decided
// it.
func blocked(eventID string, rule decision.RuleType, ruleID string) answer {
	return answer{page: &pageBlocked, eventID: eventID, rule: rule, ruleID: ruleID}
}

// stdRequest is a net/http request as a clientRequest.
type stdRequest struct{ r *http.Request }

func (s stdRequest) method() string            { return s.r.Method }
func (s stdRequest) header(name string) string { return s.r.Header.Get(name) }
func (s stdRequest) headerValue(name string, i int) (string, bool) {
	if vs := s.r.Header[name]; i < len(vs) {
		return vs[i], true
	}
	return "", false
}
func (s stdRequest) fillView(v *view, all bool) { v.fill(s.r, all) }

func (s stdRequest) requestURI() string {
	if s.r.RequestURI == "" && s.r.URL != nil {
		return s.r.URL.RequestURI()
	}
	return s.r.RequestURI
}

func (s stdRequest) readBody(v *view, in *inspect.Inspector) {
	if wantsBody(s.r, in) {
		v.readBody(s.r)
	}
}

// clientAddr returns the client's address: the peer's, or, when the peer
// is a trusted proxy, the right-most address of X-Forwarded-For that is
// not a trusted proxy (the left-most when all are), else X-Real-IP. The
// second result tells whether the peer is trusted.
func (p *Proxy) clientAddr(peer netip.Addr, x clientRequest) (netip.Addr, bool) {
	if len(p.cfg.TrustedProxies) == 0 || !p.trusted(peer) {
		return peer, false
	}
	return p.forwardedClient(peer, x), true
}
