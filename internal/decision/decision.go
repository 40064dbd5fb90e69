// Package decision is the vocabulary shared by everything that asks or
// answers "block, allow or log?": the defense layers, actions, rule types,
// the Decision a lookup returns, and the Decider and Source interfaces that
// enforcement points (the decision API, the WAF data plane, the firewall
// feeds) depend on. The engine package implements them; this package
// imports no infrastructure.
package decision

import (
	"context"
	"net/netip"
	"time"

	"github.com/rampartsec/rampart/internal/origin"
)

// Layer is a defense layer that SecMaster emergency entries are delivered
// to.
type Layer uint8

// The defense layers.
const (
	LayerWAF Layer = iota
	LayerCFW
	LayerVPC
	LayerIAM
	NumLayers // the number of layers; not a layer
)

// String returns the layer's lower-case name.
func (l Layer) String() string {
	switch l {
	case LayerWAF:
		return "waf"
	case LayerCFW:
		return "cfw"
	case LayerVPC:
		return "vpc"
	case LayerIAM:
		return "iam"
	}
	return "invalid"
}

// ParseLayer parses a layer's lower-case name.
func ParseLayer(s string) (Layer, bool) {
	for l := range NumLayers {
		if l.String() == s {
			return l, true
		}
	}
	return 0, false
}

// Action is what a decision tells the enforcement point to do. The zero
// Action is allow.
type Action uint8

// Actions.
const (
	ActionAllow Action = iota
	ActionBlock
	ActionLog // let through and record
)

// String returns "allow", "block" or "log".
func (a Action) String() string {
	switch a {
	case ActionBlock:
		return "block"
	case ActionLog:
		return "log"
	}
	return "allow"
}

// RuleType names the kind of rule that decided.
type RuleType uint8

// Rule types. RuleNone means no rule matched (the default allow).
const (
	RuleNone RuleType = iota
	RuleEmergency
	RuleWhiteBlackIP
	RuleGeolocation
	RuleIPReputation
	RuleWorkspace
	// The WAF data plane's request rules, decided after the address:
	RuleCustom     // a precise-protection rule
	RuleCC         // a CC attack protection rule
	RulePunishment // a known-attack-source rule (the source is in the penalty box)
)

// String returns the rule type as the decision API spells it.
func (t RuleType) String() string {
	switch t {
	case RuleEmergency:
		return "emergency"
	case RuleWhiteBlackIP:
		return "whiteblackip"
	case RuleGeolocation:
		return "geoip"
	case RuleIPReputation:
		return "ip_reputation"
	case RuleWorkspace:
		return "workspace_access_policy"
	case RuleCustom:
		return "custom"
	case RuleCC:
		return "cc"
	case RulePunishment:
		return "punishment"
	}
	return ""
}

// MatchKind tells which field of a Match is set.
type MatchKind uint8

// Match kinds.
const (
	MatchNone     MatchKind = iota
	MatchPrefix             // Prefix: the rule's prefix that contains the address
	MatchLocation           // Code: the country or province that matched
	MatchTag                // Tag: the IDC tag that matched
	MatchUser               // Name: the user name
	MatchDomain             // Name: the domain
	MatchReason             // Name: a Workspace denial reason
)

// Match is what made the deciding rule apply. It holds values and strings
// already in the snapshot; building one allocates nothing.
type Match struct {
	Kind   MatchKind
	Prefix netip.Prefix
	Code   origin.Code
	Tag    origin.Tag
	Name   string
}

// String formats the match for display (this allocates).
func (m Match) String() string {
	switch m.Kind {
	case MatchPrefix:
		return m.Prefix.String()
	case MatchLocation:
		return m.Code.String()
	case MatchTag:
		return m.Tag.String()
	case MatchUser, MatchDomain, MatchReason:
		return m.Name
	}
	return ""
}

// Decision is the answer to a lookup. The zero Decision is the default:
// allow, no rule. For emergency entries RuleID and PolicyID are both the
// SecMaster policy ID; for WAF rules they are the rule and its WAF policy;
// for Workspace, PolicyID is the denying access policy.
type Decision struct {
	Action   Action
	RuleType RuleType
	RuleID   string
	PolicyID string
	Match    Match
}

// Decider answers decisions for one project from one consistent version of
// its policies. Implementations take no lock and allocate nothing.
type Decider interface {
	// DecideWAF decides a request to a protected host from a client
	// address: emergency WAF entries, then the host's WAF policy.
	DecideWAF(host string, ip netip.Addr, now time.Time) Decision
	// DecideIP decides a source address at a network layer (CFW, VPC,
	// WAF emergency entries only).
	DecideIP(layer Layer, ip netip.Addr, now time.Time) Decision
	// DecideUser decides whether an IAM user name is blocked.
	DecideUser(name string, now time.Time) Decision
	// DecideWorkspace decides whether a user, with the groups given, may
	// connect to Workspace from a client address.
	DecideWorkspace(user string, groups []string, client netip.Addr) Decision
}

// Source gives each project's current Decider, compiled on first use and
// kept current with the project's stored policies.
type Source interface {
	// Decider returns the project's current Decider. Errors are internal
	// (the store could not be read).
	Decider(ctx context.Context, projectID string) (Decider, error)
}
