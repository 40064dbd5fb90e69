package engine_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/workspace"
)

const host = "shop.example.com"

var (
	ipCN = netip.MustParseAddr("203.0.113.7") // located in CN / GD, tag HW
	ipUS = netip.MustParseAddr("198.51.100.9")
)

func geoFixture() *fakeGeo {
	return new(fakeGeo).
		add("203.0.113.0/24", "CN", "GD", origin.TagHW, origin.TagTencent).
		add("198.51.100.0/24", "US", "")
}

func em(layer engine.Layer, cat engine.Category, policy, target string) engine.EmergencyEntry {
	return engine.EmergencyEntry{Layer: layer, Category: cat, PolicyID: policy, Prefix: pfx(target)}
}

func wbr(id string, white engine.White, prefixes ...string) engine.WhiteBlackRule {
	return engine.WhiteBlackRule{ID: id, White: white, Enabled: true, Prefixes: pfxs(prefixes...)}
}

func geor(tb testing.TB, id string, white engine.White, codes ...string) engine.GeoRule {
	r := engine.GeoRule{ID: id, White: white, Enabled: true}
	for _, c := range codes {
		r.Codes = append(r.Codes, mustCode(tb, c))
	}
	return r
}

func repr(id string, c engine.ReputationCategory, tags ...origin.Tag) engine.ReputationRule {
	return engine.ReputationRule{ID: id, Category: c, Enabled: true, Tags: origin.TagSetOf(tags...)}
}

func policy(p engine.WAFPolicy) engine.WAFPolicy {
	p.ID = "pol1"
	if p.Hosts == nil {
		p.Hosts = []string{host}
	}
	return p
}

// TestDecideWAFRows checks each WAF row of docs/decisions.md.
func TestDecideWAFRows(t *testing.T) {
	t.Parallel()
	W, B := engine.CategoryWhite, engine.CategoryBlock
	waf := engine.LayerWAF
	tests := []struct {
		row  string
		p    engine.Project
		host string
		ip   netip.Addr
		want want
	}{
		{"W1", engine.Project{WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn()})}},
			host, ipUS, want{engine.ActionAllow, engine.RuleNone, "", ""}},
		{"W2", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, W, "smW", "203.0.113.0/24"), em(waf, B, "smB", "203.0.113.7")},
			WAF:       []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wb1", engine.WhiteBlock, "203.0.113.7")}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleEmergency, "smW", "203.0.113.0/24"}},
		{"W3", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, B, "smB", "203.0.113.7")},
			WAF:       []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wbA", engine.WhiteAllow, "203.0.113.0/25")}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleWhiteBlackIP, "wbA", "203.0.113.0/25"}},
		{"W4", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, W, "smW", "203.0.113.7")},
			WAF:       []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wbA", engine.WhiteAllow, "203.0.113.7")}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleEmergency, "smW", ""}},
		{"W5", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, B, "smB", "203.0.113.7")},
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbL", engine.WhiteLog, "203.0.113.7")},
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteAllow, "CN")}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleEmergency, "smB", "203.0.113.7/32"}},
		{"W6", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbB", engine.WhiteBlock, "203.0.113.0/24")},
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteAllow, "CN")}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleWhiteBlackIP, "wbB", "203.0.113.0/24"}},
		{"W7", engine.Project{
			Emergency: []engine.EmergencyEntry{{Layer: waf, Category: W, PolicyID: "smD", Domain: host}},
			WAF:       []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wbB", engine.WhiteBlock, "203.0.113.7")}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleEmergency, "smD", host}},
		{"W8", engine.Project{
			Emergency: []engine.EmergencyEntry{{Layer: waf, Category: B, PolicyID: "smD", Domain: host}},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleEmergency, "smD", host}},
		{"W9", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wbL", engine.WhiteLog, "198.51.100.0/24")}})},
		}, host, ipUS, want{engine.ActionLog, engine.RuleWhiteBlackIP, "wbL", "198.51.100.0/24"}},
		{"W10", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbL", engine.WhiteLog, "203.0.113.7")},
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteBlock, "CN")}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleGeolocation, "g1", "CN"}},
		{"W11", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteAllow, "GD"), geor(t, "g2", engine.WhiteBlock, "CN")},
				Reputation: []engine.ReputationRule{repr("r1", engine.ReputationBlock, origin.TagHW)}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleGeolocation, "g1", "GD"}},
		{"W12", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Geo: []engine.GeoRule{geor(t, "g1", engine.WhiteBlock, "CN"), geor(t, "g2", engine.WhiteBlock, "GD")}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleGeolocation, "g2", "GD"}},
		{"W13", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteLog, "CN")},
				Reputation: []engine.ReputationRule{repr("r1", engine.ReputationBlock, origin.TagTencent)}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleIPReputation, "r1", "Tencent"}},
		{"W14", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Geo: []engine.GeoRule{geor(t, "g1", engine.WhiteLog, "US")}})},
		}, host, ipUS, want{engine.ActionLog, engine.RuleGeolocation, "g1", "US"}},
		{"W15", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbL", engine.WhiteLog, "203.0.113.7")},
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteAllow, "CN")}})},
		}, host, ipCN, want{engine.ActionLog, engine.RuleWhiteBlackIP, "wbL", ""}},
		{"W16", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Reputation: []engine.ReputationRule{repr("r1", engine.ReputationBlock, origin.TagTencent), repr("r2", engine.ReputationPass, origin.TagHW)}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleIPReputation, "r2", "HW"}},
		{"W17", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Reputation: []engine.ReputationRule{repr("r1", engine.ReputationBlock, origin.TagAmazon, origin.TagTencent)}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleIPReputation, "r1", "Tencent"}},
		{"W18", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				Reputation: []engine.ReputationRule{repr("r1", engine.ReputationLog, origin.TagHW)}})},
		}, host, ipCN, want{engine.ActionLog, engine.RuleIPReputation, "r1", "HW"}},
		{"W19", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				WhiteBlack: []engine.WhiteBlackRule{disabledWB(wbr("wbB", engine.WhiteBlock, "203.0.113.7"))},
				Geo:        []engine.GeoRule{disabledGeo(geor(t, "g1", engine.WhiteBlock, "CN"))},
				Reputation: []engine.ReputationRule{disabledRep(repr("r1", engine.ReputationBlock, origin.TagHW))}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleNone, "", ""}},
		{"W20/off", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbB", engine.WhiteBlock, "203.0.113.7")},
				Geo:        []engine.GeoRule{geor(t, "g1", engine.WhiteBlock, "CN")},
				Reputation: []engine.ReputationRule{repr("r1", engine.ReputationBlock, origin.TagHW)}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleNone, "", ""}},
		{"W20/emergency", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, B, "smB", "203.0.113.0/24")},
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbA", engine.WhiteAllow, "203.0.113.7")}})},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleEmergency, "smB", ""}},
		{"W21/emergency", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, B, "smB", "203.0.113.7")},
			WAF:       []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wbA", engine.WhiteAllow, "203.0.113.7")}})},
		}, "other.example.org", ipCN, want{engine.ActionBlock, engine.RuleEmergency, "smB", ""}},
		{"W21/none", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wbB", engine.WhiteBlock, "203.0.113.7")}})},
		}, "other.example.org", ipCN, want{engine.ActionAllow, engine.RuleNone, "", ""}},
		{"W24", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), Hosts: []string{"*.example.com"},
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbB", engine.WhiteBlock, "203.0.113.7")}})},
		}, "a.b.example.com", ipCN, want{engine.ActionBlock, engine.RuleWhiteBlackIP, "wbB", ""}},
		{"W25/allow", engine.Project{
			WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(),
				WhiteBlack: []engine.WhiteBlackRule{wbr("wbA", engine.WhiteAllow, "203.0.0.0/8"), wbr("wbB", engine.WhiteBlock, "203.0.113.7")}})},
		}, host, ipCN, want{engine.ActionAllow, engine.RuleWhiteBlackIP, "wbA", "203.0.0.0/8"}},
		{"W25/specific", engine.Project{
			Emergency: []engine.EmergencyEntry{em(waf, B, "sm16", "203.0.0.0/16"), em(waf, B, "sm24", "203.0.113.0/24")},
		}, host, ipCN, want{engine.ActionBlock, engine.RuleEmergency, "sm24", "203.0.113.0/24"}},
	}
	for _, tc := range tests {
		t.Run(tc.row, func(t *testing.T) {
			t.Parallel()
			now := t0
			e := MustEngine(t, &tc.p, geoFixture(), &now)
			check(t, e.DecideWAF(tc.host, tc.ip, t0), tc.want)
			// IPv4-mapped form decides the same.
			check(t, e.DecideWAF(tc.host, netip.AddrFrom16(tc.ip.As16()), t0), tc.want)
		})
	}
}

func disabledWB(r engine.WhiteBlackRule) engine.WhiteBlackRule  { r.Enabled = false; return r }
func disabledGeo(r engine.GeoRule) engine.GeoRule               { r.Enabled = false; return r }
func disabledRep(r engine.ReputationRule) engine.ReputationRule { r.Enabled = false; return r }

// TestDecideWAFExpiryRows checks W22 and W23: time-bounded entries and
// rules, before and after the sweeper.
func TestDecideWAFExpiryRows(t *testing.T) {
	t.Parallel()
	t.Run("W22", func(t *testing.T) {
		t.Parallel()
		long := em(engine.LayerWAF, engine.CategoryBlock, "sm24", "203.0.113.0/24")
		long.Expires = t0.Add(2 * time.Hour)
		short := em(engine.LayerWAF, engine.CategoryBlock, "sm32", "203.0.113.7")
		short.Expires = t0.Add(time.Hour)
		now := t0
		e := MustEngine(t, &engine.Project{Emergency: []engine.EmergencyEntry{long, short}}, nil, &now)
		check(t, e.DecideWAF(host, ipCN, t0), want{engine.ActionBlock, engine.RuleEmergency, "sm32", "203.0.113.7/32"})
		// Expired, not swept: the /32 must not decide.
		t1 := t0.Add(time.Hour)
		check(t, e.DecideWAF(host, ipCN, t1), want{engine.ActionBlock, engine.RuleEmergency, "sm24", "203.0.113.0/24"})
		if n := e.Sweep(t1); n != 1 {
			t.Errorf("Sweep(t1) applied %d, want 1", n)
		}
		check(t, e.DecideWAF(host, ipCN, t1), want{engine.ActionBlock, engine.RuleEmergency, "sm24", ""})
		t2 := t0.Add(2 * time.Hour)
		check(t, e.DecideWAF(host, ipCN, t2), want{engine.ActionAllow, engine.RuleNone, "", ""})
		// A /24 expired but not swept, with an expired /32 swept: the CIDR
		// slow path must say allow too.
		check(t, e.DecideWAF(host, netip.MustParseAddr("203.0.113.200"), t2), want{engine.ActionAllow, engine.RuleNone, "", ""})
		e.Sweep(t2)
		if got := e.Snapshot().Version(); got != 2 {
			t.Errorf("version %d after two sweeps, want 2", got)
		}
	})
	t.Run("W23", func(t *testing.T) {
		t.Parallel()
		ended := wbr("ended", engine.WhiteBlock, "203.0.113.7")
		ended.Start, ended.Terminal = t0.Add(-2*time.Hour), t0.Add(-time.Hour)
		future := wbr("future", engine.WhiteBlock, "203.0.113.0/24")
		future.Start, future.Terminal = t0.Add(time.Hour), t0.Add(2*time.Hour)
		now := t0
		p := engine.Project{WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{ended, future}})}}
		e := MustEngine(t, &p, nil, &now)
		check(t, e.DecideWAF(host, ipCN, t0), want{engine.ActionAllow, engine.RuleNone, "", ""})
		t1 := t0.Add(time.Hour)
		e.Sweep(t1)
		check(t, e.DecideWAF(host, ipCN, t1), want{engine.ActionBlock, engine.RuleWhiteBlackIP, "future", ""})
		// Past terminal, not swept: ignored at lookup.
		t2 := t0.Add(2 * time.Hour)
		check(t, e.DecideWAF(host, ipCN, t2), want{engine.ActionAllow, engine.RuleNone, "", ""})
		if n := e.Sweep(t2); n != 1 {
			t.Errorf("Sweep(t2) applied %d, want 1", n)
		}
	})
}

// TestDecideInvalidAddress: the zero netip.Addr matches no address entry
// (not even "::/128", whose key it would share), but domain entries still
// apply.
func TestDecideInvalidAddress(t *testing.T) {
	t.Parallel()
	p := engine.Project{
		Emergency: []engine.EmergencyEntry{
			em(engine.LayerWAF, engine.CategoryBlock, "smZero", "::"),
			em(engine.LayerCFW, engine.CategoryBlock, "smAll", "::/0"),
			{Layer: engine.LayerWAF, Category: engine.CategoryBlock, PolicyID: "smD", Domain: "bad.example.com"},
		},
		WAF: []engine.WAFPolicy{policy(engine.WAFPolicy{Options: allOn(), WhiteBlack: []engine.WhiteBlackRule{wbr("wb0", engine.WhiteBlock, "0.0.0.0/1", "::/1")}})},
	}
	now := t0
	e := MustEngine(t, &p, geoFixture(), &now)
	var zero netip.Addr
	check(t, e.DecideWAF(host, zero, t0), want{engine.ActionAllow, engine.RuleNone, "", ""})
	check(t, e.DecideIP(engine.LayerCFW, zero, t0), want{engine.ActionAllow, engine.RuleNone, "", ""})
	check(t, e.DecideWAF("bad.example.com", zero, t0), want{engine.ActionBlock, engine.RuleEmergency, "smD", "bad.example.com"})
	check(t, e.DecideIP(engine.LayerCFW, netip.MustParseAddr("::1"), t0), want{engine.ActionBlock, engine.RuleEmergency, "smAll", "::/0"})
}

func TestDecideIPRows(t *testing.T) {
	t.Parallel()
	W, B := engine.CategoryWhite, engine.CategoryBlock
	p := engine.Project{Emergency: []engine.EmergencyEntry{
		em(engine.LayerCFW, W, "cfwW", "2001:db8::1"),
		em(engine.LayerCFW, B, "cfwB", "2001:db8::/32"),
		em(engine.LayerVPC, B, "vpcB", "10.0.0.0/8"),
		em(engine.LayerWAF, B, "wafB", "192.0.2.0/24"),
	}}
	now := t0
	e := MustEngine(t, &p, nil, &now)
	check(t, e.DecideIP(engine.LayerCFW, netip.MustParseAddr("2001:db8::1"), t0), want{engine.ActionAllow, engine.RuleEmergency, "cfwW", "2001:db8::1/128"}) // C1
	check(t, e.DecideIP(engine.LayerCFW, netip.MustParseAddr("2001:db8::2"), t0), want{engine.ActionBlock, engine.RuleEmergency, "cfwB", "2001:db8::/32"})   // C2
	check(t, e.DecideIP(engine.LayerVPC, netip.MustParseAddr("10.9.8.7"), t0), want{engine.ActionBlock, engine.RuleEmergency, "vpcB", "10.0.0.0/8"})         // C2
	check(t, e.DecideIP(engine.LayerCFW, netip.MustParseAddr("10.9.8.7"), t0), want{engine.ActionAllow, engine.RuleNone, "", ""})                            // C3
	check(t, e.DecideIP(engine.LayerVPC, netip.MustParseAddr("192.0.2.1"), t0), want{engine.ActionAllow, engine.RuleNone, "", ""})                           // C3
}

func TestDecideUserRows(t *testing.T) {
	t.Parallel()
	aged := engine.EmergencyEntry{Layer: engine.LayerIAM, Category: engine.CategoryBlock, PolicyID: "iam2", User: "bob", Expires: t0.Add(time.Minute)}
	p := engine.Project{Emergency: []engine.EmergencyEntry{
		{Layer: engine.LayerIAM, Category: engine.CategoryBlock, PolicyID: "iam1", User: "alice"}, aged,
	}}
	now := t0
	e := MustEngine(t, &p, nil, &now)
	check(t, e.DecideUser("alice", t0), want{engine.ActionBlock, engine.RuleEmergency, "iam1", "alice"})  // I1
	check(t, e.DecideUser("bob", t0), want{engine.ActionBlock, engine.RuleEmergency, "iam2", "bob"})      // I1
	check(t, e.DecideUser("carol", t0), want{engine.ActionAllow, engine.RuleNone, "", ""})                // I2
	check(t, e.DecideUser("bob", t0.Add(time.Minute)), want{engine.ActionAllow, engine.RuleNone, "", ""}) // I2: aged
	if n := e.Sweep(t0.Add(time.Minute)); n != 1 {
		t.Errorf("Sweep applied %d, want 1", n)
	}
	check(t, e.DecideUser("bob", t0), want{engine.ActionAllow, engine.RuleNone, "", ""})
}

func TestDecideWorkspaceRows(t *testing.T) {
	t.Parallel()
	wl := &workspace.AccessPolicy{ID: "ap1", AccessControlType: workspace.ControlIPWhiteList, Enabled: true,
		IPs: []workspace.IPEntry{{Prefix: pfx("198.51.100.0/24")}}}
	now := t0
	e := MustEngine(t, &engine.Project{Workspace: []*workspace.AccessPolicy{wl}}, nil, &now)
	check(t, e.DecideWorkspace("u1", nil, ipCN), want{engine.ActionBlock, engine.RuleWorkspace, "ap1", workspace.ReasonNotWhitelisted}) // K1
	check(t, e.DecideWorkspace("u1", []string{"g"}, ipUS), want{engine.ActionAllow, engine.RuleNone, "", ""})                           // K2
	e.SetWorkspace(nil)
	check(t, e.DecideWorkspace("u1", nil, ipCN), want{engine.ActionAllow, engine.RuleNone, "", ""}) // K2
}
