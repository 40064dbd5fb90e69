package waf

import (
	"context"
	"time"
)

// Event is a protection event: one request that the data plane blocked or
// let through with a log-only decision. Events are append-only records, not
// policy: writing them changes no revision.
type Event struct {
	// ID is 32 lower-case hex characters (NewID), unique; the block page
	// shows it so that a user can quote it.
	ID                  string
	ProjectID           string
	EnterpriseProjectID string // the host's enterprise project ("0" when empty)
	Time                time.Time
	HostID              string // the protected host (waf.Host.ID)
	Host                string // the request's hostname
	PolicyID            string // the deciding policy (WAF policy or SecMaster emergency policy)
	ClientIP            string
	Location            string // Huawei geolocation code of the client, or ""
	Tag                 string // IDC tag of the client, or ""
	// RuleType is the deciding rule type as the decision API spells it
	// (emergency, whiteblackip, geoip or ip_reputation), webattack for
	// basic web protection, or custom, cc or punishment for the policy's
	// precise-protection, CC and known-attack-source rules.
	RuleType string
	RuleID   string // for webattack, the 6-digit inspection rule
	Action   string // block or log
	Method   string
	URL      string // path and query of the request
	Status   int    // response status sent to the client; 0 when unknown
	// The detection of a webattack event; for a cc event, Payload is the
	// counted key; for a punishment event, the punished source (Payload)
	// and its kind (PayloadLocation: ip, cookie, params or header). Empty
	// for the others.
	WebAttack       string // Huawei's attack type: sqli, xss, cmdi, lfi, rfi, webshell, robot, vuln
	Payload         string // the bounded, escaped excerpt of the value that matched
	PayloadLocation string // url, params, cookie, header or body
}

// Event rule types (decision.RuleType spellings).
const (
	EventEmergency    = "emergency"
	EventWhiteBlackIP = "whiteblackip"
	EventGeoIP        = "geoip"
	EventReputation   = "ip_reputation"
	EventWebAttack    = "webattack"  // basic web protection
	EventCustom       = "custom"     // a precise-protection rule
	EventCC           = "cc"         // a CC attack protection rule
	EventPunishment   = "punishment" // a known-attack-source rule
)

// eventAttacks maps a rule type to the attack type Huawei's event items
// carry, and back.
var eventAttacks = map[string]string{
	EventEmergency:    "custom_blackip",
	EventWhiteBlackIP: "custom_whiteblackip",
	EventGeoIP:        "custom_geoip",
	EventReputation:   "custom_idc_ip",
	EventCustom:       "custom_custom",
	EventCC:           "cc",
	EventPunishment:   "followed_action",
}

// Attack returns the event's attack type as ListEvent reports it: the web
// attack type of a webattack event; custom_whiteblackip, custom_geoip,
// custom_idc_ip (IP reputation, whose rules are IDC tags) or custom_blackip
// (SecMaster emergency block) for the address rules; custom_custom, cc or
// followed_action for precise-protection, CC and known-attack-source rules.
func (e *Event) Attack() string {
	if e.RuleType == EventWebAttack && e.WebAttack != "" {
		return e.WebAttack
	}
	if a, ok := eventAttacks[e.RuleType]; ok {
		return a
	}
	return "vuln"
}

// Timestamp returns the event time in Unix milliseconds.
func (e *Event) Timestamp() int64 { return ms(e.Time) }

// EventField names an event attribute that lists filter and sort on.
type EventField uint8

// Event fields.
const (
	EventFieldTime EventField = iota
	EventFieldID
	EventFieldHostID
	EventFieldHost
	EventFieldClientIP
	EventFieldURL
	EventFieldRuleID
	EventFieldRuleType
	EventFieldAction
	EventFieldLocation
	EventFieldStatus  // the response status, as a decimal string
	EventFieldAttack  // Attack()
	EventFieldPayload // Payload
)

// EventTerms selects events by one field: its value is one of In (when In
// is not empty), none of NotIn, contains Contains and does not contain
// NotContains (substrings; "" = no condition).
type EventTerms struct {
	In, NotIn             []string
	Contains, NotContains string
}

// EventFilter selects events of one project, newest first unless
// Ascending.
type EventFilter struct {
	ProjectID           string
	EnterpriseProjectID string    // all_granted_eps or "": every enterprise project
	From, To            time.Time // inclusive bounds; zero: open
	Terms               map[EventField]EventTerms
	SortBy              EventField // EventFieldTime by default; ties sort by time
	Ascending           bool
	Page                Page
}

// EventStore persists protection events. Implementations pass the
// conformance suite of package storetest.
type EventStore interface {
	// InsertEvents stores events in one transaction, all or none.
	InsertEvents(ctx context.Context, events []Event) error
	// FindEvent returns an event of a project. KindNotFound.
	FindEvent(ctx context.Context, projectID, id string) (*Event, error)
	// FindEvents returns a page of events and the number matching f.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, int, error)
	// PruneEvents deletes the project's events older than before and all
	// but the newest keep (keep <= 0: no count limit), and returns how many
	// it deleted.
	PruneEvents(ctx context.Context, projectID string, before time.Time, keep int) (int, error)
	// EventProjects returns the projects that have events.
	EventProjects(ctx context.Context) ([]string, error)
}
