package enforce_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
)

// Seeded random WAF writes through the service (whiteblackip rules
// created, updated, enabled and disabled, deleted; IP group members
// changed; module options toggled; a second policy and host), each followed
// by one registry refresh: the registry's engine, updated from the change
// log, decides every probe like a fresh full load and build of the
// project.
func TestRegistryIncrementalMatchesFullLoad(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	src := enforce.Sources{SecMaster: e.sm, WAF: e.db, Workspace: e.ws, Revisions: e.db}
	r := rand.New(rand.NewPCG(42, 42))
	proxy := false
	var hosts, policies []string
	for _, name := range []string{"a.example.com", "b.example.com"} {
		h, err := e.waf.CreateHost(ctx, projA, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
			Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		hosts, policies = append(hosts, name), append(policies, h.PolicyID)
	}
	gname, ips := "g", "10.1.0.0/16"
	g, err := e.waf.CreateIPGroup(ctx, projA, "0", &waf.IPGroupInput{Name: &gname, IPs: &ips})
	if err != nil {
		t.Fatal(err)
	}
	addrs := []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "10.2.0.0/16", "2001:db8::/32", "2001:db8::7"}
	probes := []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.2.4"), netip.MustParseAddr("10.1.9.9"),
		netip.MustParseAddr("10.2.0.1"), netip.MustParseAddr("10.9.9.9"), netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("2001:db8::8")}
	type ruleRef struct{ policy, id string }
	var rules []ruleRef
	if _, err := e.reg.Engine(ctx, projA); err != nil {
		t.Fatal(err)
	}
	for step := range 80 {
		pol := policies[r.IntN(len(policies))]
		white := r.IntN(3)
		switch k := r.IntN(10); {
		case k < 4:
			in := &waf.WhiteBlackIPInput{Name: "r", White: &white}
			if r.IntN(4) == 0 {
				in.IPGroupID = g.ID
			} else {
				in.Addr = addrs[r.IntN(len(addrs))]
			}
			if rs, err := e.waf.CreateWhiteBlackIPRules(ctx, projA, "0", []string{pol}, in); err == nil {
				rules = append(rules, ruleRef{pol, rs[0].ID})
			}
		case k < 6 && len(rules) > 0:
			x := rules[r.IntN(len(rules))]
			_, _ = e.waf.UpdateWhiteBlackIPRules(ctx, projA, []waf.PolicyRuleIDs{{PolicyID: x.policy, RuleIDs: []string{x.id}}},
				&waf.WhiteBlackIPInput{Name: "u", Addr: addrs[r.IntN(len(addrs))], White: &white})
		case k < 7 && len(rules) > 0:
			x := rules[r.IntN(len(rules))]
			status := r.IntN(2)
			_, _ = e.waf.SetRuleStatus(ctx, projA, waf.RuleWhiteBlackIP, x.policy, x.id, &status)
		case k < 8 && len(rules) > 0:
			i := r.IntN(len(rules))
			if _, err := e.waf.DeleteWhiteBlackIPRule(ctx, projA, rules[i].policy, rules[i].id); err == nil {
				rules = append(rules[:i], rules[i+1:]...)
			}
		case k < 9:
			ips := []string{"10.1.0.0/16", "10.1.2.0/24,10.2.0.0/16", "2001:db8::/32"}[r.IntN(3)]
			if _, err := e.waf.UpdateIPGroup(ctx, projA, g.ID, "update", &waf.IPGroupInput{IPs: &ips}); err != nil {
				t.Fatal(err)
			}
		default:
			if _, err := e.waf.UpdatePolicy(ctx, projA, pol, &waf.PolicyUpdate{Options: map[string]bool{"whiteblackip": r.IntN(4) > 0}}); err != nil {
				t.Fatal(err)
			}
		}
		inc, full := refreshAndBuild(t, e, src)
		now := time.Now()
		for _, h := range append(hosts, "none.example.com") {
			for _, ip := range probes {
				if x, y := inc.DecideWAF(h, ip, now), full.DecideWAF(h, ip, now); x != y {
					t.Fatalf("step %d: DecideWAF(%s, %s): registry %+v, full load %+v", step, h, ip, x, y)
				}
			}
		}
	}
	if len(rules) == 0 {
		t.Fatal("no rule was ever created: the test exercised nothing")
	}
	t.Log(fmt.Sprint(len(rules), " rules at the end"))
}

// Seeded random SecMaster writes through the service (policies created on
// random layers with address or user targets, some aging, categories
// flipped, aging changed, policies deleted; delivery run after each), each
// followed by one registry refresh: the registry's engine, updated from
// the enforcement change log, decides like a fresh full load and build.
func TestRegistrySecMasterMatchesFullLoad(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	src := enforce.Sources{SecMaster: e.sm, WAF: e.db, Workspace: e.ws, Revisions: e.db}
	r := rand.New(rand.NewPCG(7, 7))
	wss, _, err := e.sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: projA})
	if err != nil || len(wss) == 0 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	ws := wss[0].ID
	ipPool := []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "10.2.0.0/16", "2001:db8::/32", "2001:db8::7"}
	userPool := []string{"alice", "bob", "carol"}
	layerPool := []string{secmaster.LayerWAF, secmaster.LayerCFW, secmaster.LayerVPC, secmaster.LayerIAM}
	probes := []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.9.9"), netip.MustParseAddr("10.2.0.1"),
		netip.MustParseAddr("10.9.9.9"), netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("2001:db8::8")}
	if _, err := e.reg.Engine(ctx, projA); err != nil {
		t.Fatal(err)
	}
	limit := 1000
	writes := 0
	for step := range 60 {
		switch k := r.IntN(10); {
		case k < 6:
			typ, pool := secmaster.TypeSourceIP, ipPool
			if r.IntN(3) == 0 {
				typ, pool = secmaster.TypeUserName, userPool
			}
			targets := map[string]bool{}
			for range 1 + r.IntN(3) {
				targets[pool[r.IntN(len(pool))]] = true
			}
			var list []string
			for x := range targets {
				list = append(list, x)
			}
			cat := []string{secmaster.CategoryBlock, secmaster.CategoryWhite}[r.IntN(2)]
			ageing := r.IntN(3) == 0
			age := &secmaster.BlockAge{IsBlockAgeing: &ageing}
			if ageing {
				age.BlockAgeing = fmt.Sprint(time.Now().Add(time.Duration(1+r.IntN(48)) * time.Hour).UnixMilli())
			}
			layer := layerPool[r.IntN(len(layerPool))]
			in := &secmaster.PolicyInput{BlockAge: age, BlockTarget: strings.Join(list, ","), Category: cat, PolicyType: &typ, RegionID: "r",
				Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
					DefenseType: layer, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: projA, TargetProjectName: "tp"}}}
			if _, err := e.sm.CreatePolicy(ctx, projA, ws, in); err == nil {
				writes++
			}
		default:
			ps, _, _, err := e.sm.SearchPolicies(ctx, projA, ws, secmaster.SearchInput{Limit: &limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				continue
			}
			id := ps[r.IntN(len(ps))].ID
			switch k {
			case 6, 7:
				cat := []string{secmaster.CategoryBlock, secmaster.CategoryWhite}[r.IntN(2)]
				if _, err := e.sm.UpdatePolicies(ctx, projA, ws, id, nil, &secmaster.PolicyPatch{Category: &cat}); err == nil {
					writes++
				}
			default:
				if _, err := e.sm.DeletePolicies(ctx, projA, ws, []string{id}); err == nil {
					writes++
				}
			}
		}
		if _, err := e.sm.DeliverPending(ctx); err != nil {
			t.Fatal(err)
		}
		inc, full := refreshAndBuild(t, e, src)
		now := time.Now()
		for _, ip := range probes {
			for _, l := range []engine.Layer{engine.LayerWAF, engine.LayerCFW, engine.LayerVPC} {
				if x, y := inc.DecideIP(l, ip, now), full.DecideIP(l, ip, now); x != y {
					t.Fatalf("step %d: DecideIP(%s, %s): registry %+v, full load %+v", step, l, ip, x, y)
				}
			}
		}
		for _, u := range userPool {
			if x, y := inc.DecideUser(u, now), full.DecideUser(u, now); x != y {
				t.Fatalf("step %d: DecideUser(%s): registry %+v, full load %+v", step, u, x, y)
			}
		}
	}
	if writes < 20 {
		t.Fatalf("only %d writes succeeded: the test exercised little", writes)
	}
}

// refreshAndBuild runs one registry refresh and returns the registry's
// engine for projA and a fresh full load and build of the project.
func refreshAndBuild(t *testing.T, e *env, src enforce.Sources) (inc, full *engine.Engine) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.reg.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	model, err := enforce.Load(ctx, src, projA)
	if err != nil {
		t.Fatal(err)
	}
	full, err = engine.New(model, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e.engine(t, projA), full
}
