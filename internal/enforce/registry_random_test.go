package enforce_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
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
		if _, err := e.reg.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		inc := e.engine(t, projA)
		model, err := enforce.Load(ctx, src, projA)
		if err != nil {
			t.Fatal(err)
		}
		full, err := engine.New(model, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
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
