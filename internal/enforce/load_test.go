package enforce_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

type fakeSM map[string][]secmaster.Enforcement

func (f fakeSM) Enforcements(_ context.Context, _, layer string) ([]secmaster.Enforcement, error) {
	return f[layer], nil
}

type fakeWAF struct {
	pols   []*waf.Policy
	hosts  []*waf.Host
	groups []*waf.IPGroup
	wb     []*waf.WhiteBlackIPRule
	geo    []*waf.GeoIPRule
	rep    []*waf.ReputationRule
}

func (f *fakeWAF) FindPolicies(context.Context, waf.PolicyFilter) ([]*waf.Policy, int, error) {
	return f.pols, len(f.pols), nil
}
func (f *fakeWAF) FindHosts(context.Context, waf.HostFilter) ([]*waf.Host, int, error) {
	return f.hosts, len(f.hosts), nil
}
func (f *fakeWAF) FindIPGroups(context.Context, waf.IPGroupFilter) ([]*waf.IPGroup, int, error) {
	return f.groups, len(f.groups), nil
}
func (f *fakeWAF) FindWhiteBlackIPRules(context.Context, waf.RuleFilter) ([]*waf.WhiteBlackIPRule, int, error) {
	return f.wb, len(f.wb), nil
}
func (f *fakeWAF) FindGeoIPRules(context.Context, waf.RuleFilter) ([]*waf.GeoIPRule, int, error) {
	return f.geo, len(f.geo), nil
}
func (f *fakeWAF) FindReputationRules(context.Context, waf.RuleFilter) ([]*waf.ReputationRule, int, error) {
	return f.rep, len(f.rep), nil
}

type fakeWS []*workspace.AccessPolicy

func (f fakeWS) Policies(context.Context, string) ([]*workspace.AccessPolicy, int64, error) {
	return f, 0, nil
}

type noRevs struct{}

func (noRevs) Revision(context.Context, string, rampart.Family) (int64, error) { return 0, nil }
func (noRevs) Revisions(context.Context) ([]rampart.Revision, error)           { return nil, nil }

func TestLoadConverts(t *testing.T) {
	exp := time.Unix(2000000000, 0)
	sm := fakeSM{
		secmaster.LayerWAF: {
			{PolicyID: "p1", Category: secmaster.CategoryWhite, ObjectType: secmaster.TypeSourceIP, Object: "192.0.2.1"},
			{PolicyID: "p2", Category: secmaster.CategoryBlock, ObjectType: secmaster.TypeDomainName, Object: "Bad.Example.COM", ExpiresAt: exp},
			{PolicyID: "bad", Category: "GREY", ObjectType: secmaster.TypeSourceIP, Object: "192.0.2.2"},
			{PolicyID: "bad", Category: secmaster.CategoryBlock, ObjectType: secmaster.TypeSourceIP, Object: "not-an-ip"},
		},
		secmaster.LayerVPC: {{PolicyID: "p3", Category: secmaster.CategoryBlock, ObjectType: secmaster.TypeSourceIP, Object: "10.1.2.3/8"}},
		secmaster.LayerIAM: {{PolicyID: "p4", Category: secmaster.CategoryBlock, ObjectType: secmaster.TypeUserName, Object: "mallory"}},
	}
	w := &fakeWAF{
		pols: []*waf.Policy{{ID: "w1", Options: map[string]bool{"whiteblackip": true, "geoip": false}}},
		hosts: []*waf.Host{
			{Hostname: "WWW.Example.com", PolicyID: "w1", ProtectStatus: 1},
			{Hostname: "paused.example.com", PolicyID: "w1", ProtectStatus: 0},
			{Hostname: "orphan.example.com", PolicyID: "gone", ProtectStatus: 1},
		},
		groups: []*waf.IPGroup{{ID: "g1", IPs: []string{"198.51.100.0/24", "2001:db8::1"}}},
		wb: []*waf.WhiteBlackIPRule{
			{ID: "r1", PolicyID: "w1", Addr: "203.0.113.0/24", White: 0, Status: 1, TimeMode: "customize", Start: 1700000000, Terminal: 1800000000},
			{ID: "r2", PolicyID: "w1", IPGroupID: "g1", White: 2, Status: 0, TimeMode: "permanent", Start: 5},
			{ID: "r3", PolicyID: "gone", Addr: "1.2.3.4", Status: 1},
		},
		geo: []*waf.GeoIPRule{{ID: "geo1", PolicyID: "w1", Codes: []string{"CN", "XX-unknown"}, White: 1, Status: 1}},
		rep: []*waf.ReputationRule{
			{ID: "rep1", PolicyID: "w1", Tags: []string{"AliCloud", "nope"}, Action: "pass", Status: 1},
			{ID: "rep2", PolicyID: "w1", Tags: []string{"HW"}, Action: "weird", Status: 1},
		},
	}
	wsp := fakeWS{{ID: "a1"}}
	p, err := enforce.Load(context.Background(), enforce.Sources{SecMaster: sm, WAF: w, Workspace: wsp, Revisions: noRevs{}}, "proj")
	if err != nil {
		t.Fatal(err)
	}
	wantEm := []engine.EmergencyEntry{
		{Layer: engine.LayerWAF, Category: engine.CategoryWhite, PolicyID: "p1", Prefix: netip.MustParsePrefix("192.0.2.1/32")},
		{Layer: engine.LayerWAF, Category: engine.CategoryBlock, PolicyID: "p2", Domain: "bad.example.com", Expires: exp},
		{Layer: engine.LayerVPC, Category: engine.CategoryBlock, PolicyID: "p3", Prefix: netip.MustParsePrefix("10.0.0.0/8")},
		{Layer: engine.LayerIAM, Category: engine.CategoryBlock, PolicyID: "p4", User: "mallory"},
	}
	if len(p.Emergency) != len(wantEm) {
		t.Fatalf("emergency: %+v", p.Emergency)
	}
	for i := range wantEm {
		if p.Emergency[i] != wantEm[i] {
			t.Errorf("emergency %d: %+v, want %+v", i, p.Emergency[i], wantEm[i])
		}
	}
	if len(p.WAF) != 1 {
		t.Fatalf("waf: %+v", p.WAF)
	}
	pol := p.WAF[0]
	if pol.ID != "w1" || pol.Options != (engine.Options{WhiteBlackIP: true, Geoip: false, IPReputation: true}) {
		t.Errorf("policy: %+v", pol)
	}
	if len(pol.Hosts) != 1 || pol.Hosts[0] != "www.example.com" {
		t.Errorf("hosts: %v", pol.Hosts)
	}
	if len(pol.WhiteBlack) != 2 {
		t.Fatalf("whiteblack: %+v", pol.WhiteBlack)
	}
	r1, r2 := pol.WhiteBlack[0], pol.WhiteBlack[1]
	if r1.ID != "r1" || !r1.Enabled || r1.White != engine.WhiteBlock || !r1.Start.Equal(time.Unix(1700000000, 0)) ||
		!r1.Terminal.Equal(time.Unix(1800000000, 0)) || len(r1.Prefixes) != 1 || r1.Prefixes[0].String() != "203.0.113.0/24" {
		t.Errorf("r1: %+v", r1)
	}
	if r2.ID != "r2" || r2.Enabled || r2.White != engine.WhiteLog || !r2.Start.IsZero() || len(r2.Prefixes) != 2 {
		t.Errorf("r2 (group, disabled, permanent): %+v", r2)
	}
	cn, _ := origin.Parse("CN")
	if len(pol.Geo) != 1 || pol.Geo[0].White != engine.WhiteAllow || len(pol.Geo[0].Codes) != 1 || pol.Geo[0].Codes[0] != cn {
		t.Errorf("geo: %+v", pol.Geo)
	}
	ali, _ := origin.ParseTag("AliCloud")
	if len(pol.Reputation) != 1 || pol.Reputation[0].Category != engine.ReputationPass || pol.Reputation[0].Tags != origin.TagSetOf(ali) {
		t.Errorf("reputation: %+v", pol.Reputation)
	}
	if len(p.Workspace) != 1 || p.Workspace[0].ID != "a1" {
		t.Errorf("workspace: %+v", p.Workspace)
	}
	// The model compiles.
	if _, err := engine.New(p, nil, nil); err != nil {
		t.Fatal(err)
	}
}
