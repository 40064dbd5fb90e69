package waf

import (
	"context"
	"time"
)

// TrafficBucket is the span of one stored traffic row: the data plane's
// counters are added to the row of their host and minute.
const TrafficBucket = time.Minute

// TrafficMaxAge is how long traffic rows are kept: 30 days, like events
// and the longest window the dashboard operations query.
const TrafficMaxAge = 30 * 24 * time.Hour

// TrafficCounter indexes TrafficCounters.
type TrafficCounter uint8

// Traffic counters. Every request answered for a protected host counts
// once in one status counter: Upstream when its origin answered, Local
// when Rampart did (block page, CC response, 502/504 when no origin
// answered). Every protection event counts once in the counter of its
// module and action; Crawler counts the basic web protection detections of
// attack type robot (also counted in WebBlock or WebLog).
const (
	TrafficUpstream1xx TrafficCounter = iota
	TrafficUpstream2xx
	TrafficUpstream3xx
	TrafficUpstream4xx
	TrafficUpstream5xx
	TrafficLocal1xx
	TrafficLocal2xx
	TrafficLocal3xx
	TrafficLocal4xx
	TrafficLocal5xx
	TrafficAddressBlock // emergency, whiteblackip, geoip and ip_reputation rules
	TrafficAddressLog
	TrafficWebBlock // basic web protection
	TrafficWebLog
	TrafficPreciseBlock // precise-protection (custom) rules
	TrafficPreciseLog
	TrafficCCBlock // CC attack protection rules
	TrafficCCLog
	TrafficPunishmentBlock // known-attack-source rules
	TrafficPunishmentLog
	TrafficCrawler
	NumTrafficCounters
)

// TrafficCounters are the counts of one host over one span.
type TrafficCounters [NumTrafficCounters]int64

// StatusCounter returns the counter of a response status (classes 1 to
// 5; anything else counts as 5xx) and its source.
func StatusCounter(status int, upstream bool) TrafficCounter {
	c := status / 100
	if c < 1 || c > 5 {
		c = 5
	}
	if upstream {
		return TrafficUpstream1xx + TrafficCounter(c-1)
	}
	return TrafficLocal1xx + TrafficCounter(c-1)
}

// EventTrafficCounter returns the counter of a protection event of a rule type
// (the Event* constants) and action (block or log); ok is false for what
// has no counter.
func EventTrafficCounter(ruleType, action string) (TrafficCounter, bool) {
	var block TrafficCounter
	switch ruleType {
	case EventEmergency, EventWhiteBlackIP, EventGeoIP, EventReputation:
		block = TrafficAddressBlock
	case EventWebAttack:
		block = TrafficWebBlock
	case EventCustom:
		block = TrafficPreciseBlock
	case EventCC:
		block = TrafficCCBlock
	case EventPunishment:
		block = TrafficPunishmentBlock
	default:
		return 0, false
	}
	switch action {
	case "block":
		return block, true
	case "log":
		return block + 1, true
	}
	return 0, false
}

// Add adds o to c.
func (c *TrafficCounters) Add(o *TrafficCounters) {
	for i := range c {
		c[i] += o[i]
	}
}

// IsZero reports whether every counter is 0.
func (c *TrafficCounters) IsZero() bool { return *c == TrafficCounters{} }

func (c *TrafficCounters) sum(from, to TrafficCounter) int64 {
	var n int64
	for i := from; i <= to; i++ {
		n += c[i]
	}
	return n
}

// Requests returns the requests answered (ACCESS).
func (c *TrafficCounters) Requests() int64 { return c.sum(TrafficUpstream1xx, TrafficLocal5xx) }

// Attacks returns the protection events of every module (ATTACK).
func (c *TrafficCounters) Attacks() int64 { return c.sum(TrafficAddressBlock, TrafficPunishmentLog) }

// WebAttacks returns the basic web protection events (WEB_ATTACK).
func (c *TrafficCounters) WebAttacks() int64 { return c[TrafficWebBlock] + c[TrafficWebLog] }

// Precise returns the precise-protection events (PRECISE).
func (c *TrafficCounters) Precise() int64 { return c[TrafficPreciseBlock] + c[TrafficPreciseLog] }

// CC returns the CC attack protection events (CC).
func (c *TrafficCounters) CC() int64 { return c[TrafficCCBlock] + c[TrafficCCLog] }

// Crawler returns the robot detections of basic web protection (CRAWLER).
func (c *TrafficCounters) Crawler() int64 { return c[TrafficCrawler] }

// TrafficCount is the counters of one host of a project over the span
// that starts at Time.
type TrafficCount struct {
	ProjectID           string
	EnterpriseProjectID string // the host's enterprise project ("" is the default one)
	HostID              string
	Time                time.Time
	Counters            TrafficCounters
}

// TrafficFilter selects the traffic rows of one project and sums them per
// Step (a multiple of TrafficBucket; spans start at multiples of Step
// since the Unix epoch, so a day is a UTC day).
type TrafficFilter struct {
	ProjectID           string
	EnterpriseProjectID string    // all_granted_eps or "": every enterprise project
	HostIDs             []string  // empty: every host
	From, To            time.Time // inclusive: the rows whose minute lies within
	Step                time.Duration
}

// TrafficStore persists the data plane's traffic counters. Implementations
// pass the conformance suite of package storetest.
type TrafficStore interface {
	// AddTraffic adds each count to its host's row of the TrafficBucket
	// that holds its Time, in one transaction, all or none.
	AddTraffic(ctx context.Context, counts []TrafficCount) error
	// SumTraffic returns, oldest first, one count per Step that has rows
	// (Time is the span's start; HostID and EnterpriseProjectID are empty).
	SumTraffic(ctx context.Context, f TrafficFilter) ([]TrafficCount, error)
	// PruneTraffic deletes the rows of every project older than before and
	// returns how many it deleted.
	PruneTraffic(ctx context.Context, before time.Time) (int, error)
}
