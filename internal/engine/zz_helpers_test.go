package engine_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/gaissmai/bart"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

type loc struct {
	country, province origin.Code
	tags              origin.TagSet
}

// fakeGeo is a Locator over a handful of prefixes.
type fakeGeo struct{ t bart.Table[loc] }

func (g *fakeGeo) Lookup(a netip.Addr) (origin.Code, origin.Code, origin.TagSet) {
	l, _ := g.t.Lookup(a.Unmap())
	return l.country, l.province, l.tags
}

func (g *fakeGeo) add(p string, country, province string, tags ...origin.Tag) *fakeGeo {
	c, _ := origin.Parse(country)
	pr, _ := origin.Parse(province)
	g.t.Insert(netip.MustParsePrefix(p), loc{c, pr, origin.TagSetOf(tags...)})
	return g
}

func mustCode(tb testing.TB, s string) origin.Code {
	tb.Helper()
	c, ok := origin.Parse(s)
	if !ok {
		tb.Fatalf("unknown code %q", s)
	}
	return c
}

func pfx(s string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a := netip.MustParseAddr(s)
		return netip.PrefixFrom(a, a.BitLen())
	}
	return p
}

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = pfx(s)
	}
	return out
}

// MustEngine compiles p with a fixed clock at *now.
func MustEngine(tb testing.TB, p *engine.Project, geo engine.Locator, now *time.Time) *engine.Engine {
	tb.Helper()
	e, err := engine.New(p, geo, func() time.Time { return *now })
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return e
}

func allOn() engine.Options {
	return engine.Options{WhiteBlackIP: true, Geoip: true, IPReputation: true}
}

// want compares the parts of a decision a row specifies; an empty string
// field is not compared.
type want struct {
	action   engine.Action
	ruleType engine.RuleType
	ruleID   string
	match    string
}

func check(tb testing.TB, got engine.Decision, w want) {
	tb.Helper()
	if got.Action != w.action || got.RuleType != w.ruleType ||
		(w.ruleID != "" && got.RuleID != w.ruleID) || (w.match != "" && got.Match.String() != w.match) {
		tb.Errorf("got %s %s rule=%q policy=%q match=%q, want %s %s rule=%q match=%q",
			got.Action, got.RuleType, got.RuleID, got.PolicyID, got.Match.String(),
			w.action, w.ruleType, w.ruleID, w.match)
	}
}
