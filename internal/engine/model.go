package engine

import (
	"net/netip"
	"time"

	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/workspace"
)

// Category is the list an emergency entry belongs to.
type Category uint8

// Emergency categories (SecMaster policy_category).
const (
	CategoryWhite Category = iota // WHITE: allow, wins over every block
	CategoryBlock                 // BLOCK
)

// EmergencyEntry is one target of a SecMaster emergency policy as delivered
// to one layer. Exactly one of Prefix, User and Domain is set: Prefix for a
// "Source Ip" policy (a single address is a /32 or /128 prefix), User for
// "User Name", Domain for "Domain Name" (compared exactly, lower-case).
// Expires is the block-aging time; the zero time means never.
type EmergencyEntry struct {
	Layer    Layer
	Category Category
	PolicyID string
	Prefix   netip.Prefix
	User     string
	Domain   string
	Expires  time.Time
}

// White is the action of a whiteblackip or geolocation rule, encoded as the
// WAF API's white field.
type White uint8

// WAF rule actions.
const (
	WhiteBlock White = 0 // block
	WhiteAllow White = 1 // allow
	WhiteLog   White = 2 // log only
)

// WhiteBlackRule is a WAF whiteblackip rule. Prefixes is the rule's addr or
// the members of its IP group. Start and Terminal bound a customised time
// window (zero: unbounded); the rule is in force from Start (inclusive) to
// Terminal (exclusive). Disabled rules (status 0) are ignored.
type WhiteBlackRule struct {
	ID       string
	Prefixes []netip.Prefix
	White    White
	Enabled  bool
	Start    time.Time
	Terminal time.Time
}

// GeoRule is a WAF geolocation access-control rule: it matches an address
// whose country or Chinese province is one of Codes.
type GeoRule struct {
	ID      string
	Codes   []origin.Code
	White   White
	Enabled bool
}

// ReputationCategory is the action of an IP-reputation rule.
type ReputationCategory uint8

// IP-reputation actions (action.category).
const (
	ReputationBlock ReputationCategory = iota
	ReputationLog
	ReputationPass // let through, skipping the remaining IP checks
)

// ReputationRule is a WAF IP-reputation rule of type idc: it matches an
// address whose network carries one of Tags.
type ReputationRule struct {
	ID       string
	Tags     origin.TagSet
	Category ReputationCategory
	Enabled  bool
}

// Options are the policy toggles that gate the IP modules. A module that is
// off is ignored as if it had no rules. Huawei's policy options have no
// IP-reputation toggle; converters set IPReputation to true.
type Options struct {
	WhiteBlackIP bool
	Geoip        bool
	IPReputation bool
}

// WAFPolicy is a WAF protection policy with its IP rules and the hosts
// bound to it. Hosts are compared exactly (callers lower-case them); a host
// "*.example.com" matches any name ending in ".example.com" that has no
// exact binding.
type WAFPolicy struct {
	ID         string
	Options    Options
	Hosts      []string
	WhiteBlack []WhiteBlackRule
	Geo        []GeoRule
	Reputation []ReputationRule
}

// Project is everything the engine enforces for one project.
type Project struct {
	Emergency []EmergencyEntry
	WAF       []WAFPolicy
	Workspace []*workspace.AccessPolicy
}
