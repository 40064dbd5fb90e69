// Package proxy is the WAF data plane: a reverse proxy that routes client
// requests by Host (and TLS SNI) to the upstream servers of the protected
// WAF host, asks the project's decision engine whether to block, allow or
// log each request, runs the basic web protection of the host's policy
// (package inspect) on what the address rules let through, records
// protection events and exposes Prometheus metrics. It depends on small
// interfaces declared here (hosts, revisions, decisions, policies,
// false-alarm masks, events, certificates, address data); cmd/rampart
// wires the concrete types in.
package proxy

import (
	"context"
	"net/netip"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/waf"
)

// HostSource lists the protected hosts of every project. waf.Store
// implements it.
type HostSource interface {
	// AllHosts returns every host of every project, oldest first.
	AllHosts(ctx context.Context) ([]*waf.Host, error)
}

// PolicySource gives a WAF policy, whose basic web protection settings the
// data plane enforces. waf.Store implements it.
type PolicySource interface {
	// FindPolicy returns a policy of a project; an error of kind
	// rampart.KindNotFound when there is none.
	FindPolicy(ctx context.Context, projectID, id string) (*waf.Policy, error)
}

// Masker decides whether a web-attack verdict on a request to host is a
// false alarm the policy masks. It returns the masking rule's ID. It is
// called on the request path and must be safe for concurrent use.
type Masker interface {
	Masks(host string, req *inspect.Request, v inspect.Verdict) (ruleID string, masked bool)
}

// MaskerSource gives the Masker of a policy when the host table is built,
// from the policy the table build has already read. A nil Masker masks
// nothing.
type MaskerSource interface {
	Masker(ctx context.Context, pol *waf.Policy) (Masker, error)
}

// PolicyRules are the precise-protection, CC and known-attack-source rules of one policy, compiled when the host
// table is built. Safe for concurrent use; called on the request path.
type PolicyRules interface {
	// Precise matches the policy's enabled precise-protection rules in
	// priority order.
	Precise(req *inspect.Request, now time.Time) PreciseResult
	// CC counts the request against the policy's CC rules and reports the
	// first rule whose key is over its limit.
	CC(req *inspect.Request, now time.Time) (CCVerdict, bool)
	// Punishment returns a known-attack-source rule of the policy by ID
	// (a followed_action_id).
	Punishment(ruleID string) (waf.PunishmentRule, bool)
}

// PolicyRulesSource gives a policy's PolicyRules from the policy the table build already read; nil: none.
// The source decides which modules are on: precise-protection rules only with options.custom, CC rules only
// with options.cc (a module that is off matches nothing); known-attack-source rules are looked up whenever a
// block names one. The data plane calls it for every protected host's policy, whether or not basic web
// protection is on, and keeps the result on the host's route. It is called again at every host-table rebuild
// (any WAF write), so state that must outlive a rebuild, such as CC counts, belongs to the source, not to
// one PolicyRules value.
type PolicyRulesSource interface {
	PolicyRules(ctx context.Context, pol *waf.Policy) (PolicyRules, error)
}

// PreciseHit is a precise-protection rule that matched: Action block, pass
// or log, and the known-attack-source rule a block names. RuleID "": none.
type PreciseHit struct{ RuleID, Action, FollowedActionID string }

// PreciseResult is what the precise-protection rules say of a request:
// Decided is the first block or pass rule that matched, Logged the first
// log rule that matched before it.
type PreciseResult struct{ Decided, Logged PreciseHit }

// CCVerdict is a CC rule whose key went over its limit: Action block,
// log, dynamic_block or captcha, the counted key, and the rule's custom
// block response (nil: the block page).
type CCVerdict struct {
	RuleID, Action, Key string
	Response            *waf.CCResponse
}

// Event is one protection event: a request that a rule blocked or logged.
type Event struct {
	Time      time.Time
	ProjectID string
	// EnterpriseProjectID is the host's enterprise project ("" or "0":
	// the default one).
	EnterpriseProjectID string
	HostID              string
	Hostname            string // the request's host name
	PolicyID            string
	ClientIP            netip.Addr
	Location            origin.Code // the province when known, else the country; 0: unknown
	IDCTag              origin.Tag  // the first data-centre tag of the address; 0: none
	RuleType            decision.RuleType
	RuleID              string
	Action              decision.Action // ActionBlock or ActionLog
	Method              string
	URL                 string // the request URI as the client sent it
	EventID             string // also shown on the block page
	// The web attack of a basic web protection event (RuleType
	// decision.RuleNone, RuleID the 6-digit inspection rule); empty for
	// address rules.
	Attack         string // Huawei's attack type: sqli, xss, cmdi, lfi, rfi, webshell, robot, vuln
	AttackLocation string // where it matched: url, params, cookie, header or body
	Excerpt        string // the bounded, escaped part of the value that matched
	// The source of a CC event (the counted key; KeyKind "") or of a
	// known-attack-source event (the punished value; KeyKind ip, cookie,
	// params or header), at most maxKeyBytes.
	Key     string
	KeyKind string
	// Status is what a block was answered when it is not the block page's
	// 418 (forward auth answers 403); 0 otherwise.
	Status int
}

// EventSink records protection events durably. Record must not block: it
// queues the event and returns false when the event was dropped (queue
// full). It is called on the request path.
type EventSink interface {
	Record(ev Event) bool
}

// CertificateSource gives a WAF certificate's PEM-encoded chain and
// private key.
type CertificateSource interface {
	Certificate(ctx context.Context, projectID, certificateID string) (certPEM, keyPEM []byte, err error)
}

// Locator answers where an address is, for the event record.
// geodata.DB implements it.
type Locator interface {
	Lookup(addr netip.Addr) (country, province origin.Code, tags origin.TagSet)
}
