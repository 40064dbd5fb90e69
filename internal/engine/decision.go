package engine

import (
	"net/netip"

	"github.com/rampartsec/rampart/internal/origin"
)

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
