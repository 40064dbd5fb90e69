package storetest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAF runs the waf.Store conformance tests. newStore must return a
// fresh, empty store for each call.
func RunWAF(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"

	policy := func(t *testing.T, s waf.Store, project, name string) *waf.Policy {
		t.Helper()
		return createWAFPolicy(t, s, project, name, "geoip", now)
	}
	geo := func(t *testing.T, policyID string, codes ...string) *waf.GeoIPRule {
		g := ""
		for i, c := range codes {
			if i > 0 {
				g += "|"
			}
			g += c
		}
		return &waf.GeoIPRule{ID: newID(t), ProjectID: proj, PolicyID: policyID, EnterpriseProjectID: "0", Geoip: g, Codes: codes,
			Status: 1, CreatedAt: now}
	}
	rep := func(t *testing.T, policyID string, tags ...string) *waf.ReputationRule {
		return &waf.ReputationRule{ID: newID(t), ProjectID: proj, PolicyID: policyID, EnterpriseProjectID: "0", Name: "r",
			Type: "idc", Tags: tags, Action: "block", Status: 1, CreatedAt: now}
	}
	wb := func(t *testing.T, policyID, addr, group string) *waf.WhiteBlackIPRule {
		return &waf.WhiteBlackIPRule{ID: newID(t), ProjectID: proj, PolicyID: policyID, EnterpriseProjectID: "0", Name: "w",
			Addr: addr, IPGroupID: group, TimeMode: "permanent", Status: 1, CreatedAt: now}
	}
	host := func(t *testing.T, policyID, hostname string) *waf.Host {
		return &waf.Host{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Hostname: hostname, PolicyID: policyID,
			Servers:     []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}},
			LBAlgorithm: "round_robin", ProtectStatus: 1, AccessCode: "abc", CreatedAt: now}
	}

	t.Run("PolicyCRUD", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "one")
		got, err := s.FindPolicy(ctx, proj, p.ID)
		must(t, err)
		if got.Name != "one" || got.Level != 2 || !got.Options["geoip"] || !got.CreatedAt.Equal(now) || got.Hosts == nil {
			t.Fatalf("found %+v", got)
		}
		_, err = s.FindPolicy(ctx, other, p.ID)
		wantKind(t, err, rampart.KindNotFound)
		dup := *p
		dup.ID = newID(t)
		wantKind(t, s.CreatePolicy(ctx, &dup), rampart.KindConflict)
		dup.ProjectID = other
		must(t, s.CreatePolicy(ctx, &dup)) // names are per project
		up, err := s.UpdatePolicy(ctx, proj, p.ID, func(p *waf.Policy) error { p.Level = 3; p.Options["geoip"] = false; return nil })
		must(t, err)
		if up.Level != 3 {
			t.Fatal("update not returned")
		}
		got, _ = s.FindPolicy(ctx, proj, p.ID)
		if got.Level != 3 || got.Options["geoip"] {
			t.Fatalf("update not stored: %+v", got)
		}
		boom := errors.New("boom")
		if _, err := s.UpdatePolicy(ctx, proj, p.ID, func(p *waf.Policy) error { p.Level = 1; return boom }); !errors.Is(err, boom) {
			t.Fatalf("callback error = %v", err)
		}
		got, _ = s.FindPolicy(ctx, proj, p.ID)
		if got.Level != 3 {
			t.Fatal("failed update was stored")
		}
		_, err = s.UpdatePolicy(ctx, other, p.ID, func(*waf.Policy) error { return nil })
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeletePolicies(ctx, proj, []string{p.ID, newID(t)})
		wantKind(t, err, rampart.KindNotFound)
		if _, err := s.FindPolicy(ctx, proj, p.ID); err != nil {
			t.Fatal("a failed batch delete deleted a policy")
		}
		_, err = s.DeletePolicies(ctx, proj, []string{p.ID})
		must(t, err)
		_, err = s.FindPolicy(ctx, proj, p.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("PolicyPaging", func(t *testing.T) {
		s := newStore(t)
		for i := range 5 {
			policy(t, s, proj, fmt.Sprintf("pol%d", i))
		}
		policy(t, s, other, "elsewhere")
		ps, total, err := s.FindPolicies(ctx, waf.PolicyFilter{ProjectID: proj, EnterpriseProjectID: "0", Page: waf.Page{Offset: 4, Limit: 2}})
		must(t, err)
		if total != 5 || len(ps) != 1 || ps[0].Name != "pol4" {
			t.Fatalf("page: total %d, %d items", total, len(ps))
		}
		ps, total, err = s.FindPolicies(ctx, waf.PolicyFilter{ProjectID: proj, EnterpriseProjectID: "0", Page: waf.Page{Offset: 10, Limit: 2}})
		must(t, err)
		if total != 5 || len(ps) != 0 {
			t.Fatalf("past the end: total %d, %d items", total, len(ps))
		}
		_, total, err = s.FindPolicies(ctx, waf.PolicyFilter{ProjectID: proj, EnterpriseProjectID: "0", Name: "l3", Page: waf.Page{Limit: 10}})
		must(t, err)
		if total != 1 {
			t.Fatalf("name filter total %d", total)
		}
		_, total, err = s.FindPolicies(ctx, waf.PolicyFilter{ProjectID: proj, EnterpriseProjectID: "other-ep", Page: waf.Page{Limit: 10}})
		must(t, err)
		if total != 0 {
			t.Fatalf("other enterprise project total %d", total)
		}
	})

	t.Run("GeoIPRules", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		r1 := geo(t, p.ID, "CN", "US")
		must(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{r1}))
		// A location of the same policy conflicts; all or none.
		wantKind(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, q.ID, "US"), geo(t, p.ID, "JP", "US")}), rampart.KindConflict)
		if _, total, _ := s.FindGeoIPRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: 10}}); total != 1 {
			t.Fatalf("a refused batch stored rules: %d", total)
		}
		must(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, q.ID, "US")}))
		wantKind(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, newID(t), "JP")}), rampart.KindNotFound)
		_, err := s.FindGeoIPRule(ctx, proj, q.ID, r1.ID)
		wantKind(t, err, rampart.KindNotFound) // wrong policy
		_, err = s.FindGeoIPRule(ctx, other, p.ID, r1.ID)
		wantKind(t, err, rampart.KindNotFound)
		// Moving r1 off US frees it.
		_, err = s.UpdateGeoIPRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r1.ID}}}, func(r *waf.GeoIPRule) error {
			r.Geoip, r.Codes = "CN", []string{"CN"}
			return nil
		})
		must(t, err)
		must(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, p.ID, "US")}))
		got, err := s.FindGeoIPRule(ctx, proj, p.ID, r1.ID)
		must(t, err)
		if got.Geoip != "CN" || len(got.Codes) != 1 {
			t.Fatalf("updated rule %+v", got)
		}
		rules, total, err := s.FindGeoIPRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Page: waf.Page{Limit: 1}})
		must(t, err)
		if total != 2 || len(rules) != 1 || rules[0].ID != r1.ID {
			t.Fatalf("list: total %d", total)
		}
		wantKind(t, s.DeleteRules(ctx, proj, waf.RuleGeoIP, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r1.ID, newID(t)}}}), rampart.KindNotFound)
		must(t, s.DeleteRules(ctx, proj, waf.RuleGeoIP, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r1.ID}}}))
		// CN is free again.
		must(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, p.ID, "CN")}))
		// Deleting the policy deletes its rules.
		_, err = s.DeletePolicies(ctx, proj, []string{p.ID})
		must(t, err)
		if _, total, _ := s.FindGeoIPRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: 10}}); total != 1 {
			t.Fatalf("rules left after the policy delete: %d", total)
		}
	})

	t.Run("RulePaging", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		var want []string
		for i := range 7 {
			r := wb(t, p.ID, fmt.Sprintf("192.0.2.%d", i), "")
			r.Name = fmt.Sprintf("r%d", i)
			must(t, s.CreateWhiteBlackIPRules(ctx, []*waf.WhiteBlackIPRule{r}))
			want = append(want, r.ID)
		}
		for _, name := range []string{"", "r"} { // counters, and counting with a filter
			for size := 1; size <= 8; size++ {
				var got []string
				for off := 0; off < 10; off += size {
					rules, total, err := s.FindWhiteBlackIPRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID},
						Name: name, Page: waf.Page{Offset: off, Limit: size}})
					must(t, err)
					if total != 7 {
						t.Fatalf("total %d", total)
					}
					if want := min(size, max(0, 7-off)); len(rules) != want {
						t.Fatalf("name %q size %d offset %d: %d rules, want %d", name, size, off, len(rules), want)
					}
					for _, r := range rules {
						got = append(got, r.ID)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("name %q size %d: paged %v, want %v", name, size, got, want)
				}
			}
		}
	})

	t.Run("ReputationRules", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		r := rep(t, p.ID, "HW", "VNET")
		must(t, s.CreateReputationRules(ctx, []*waf.ReputationRule{r}))
		if r.PolicyName != "a" {
			t.Fatalf("policy name not filled: %q", r.PolicyName)
		}
		wantKind(t, s.CreateReputationRules(ctx, []*waf.ReputationRule{rep(t, p.ID, "Google", "HW")}), rampart.KindConflict)
		_, err := s.UpdateReputationRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r.ID}}}, func(r *waf.ReputationRule) error {
			r.Tags = []string{"Google"}
			return nil
		})
		must(t, err)
		must(t, s.CreateReputationRules(ctx, []*waf.ReputationRule{rep(t, p.ID, "HW")}))
		got, err := s.FindReputationRule(ctx, proj, p.ID, r.ID)
		must(t, err)
		if len(got.Tags) != 1 || got.Tags[0] != "Google" || got.PolicyName != "a" {
			t.Fatalf("found %+v", got)
		}
		_, err = s.FindReputationRule(ctx, other, p.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, total, err := s.FindReputationRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Offset: 2, Limit: 5}})
		must(t, err)
		if total != 2 {
			t.Fatalf("total %d", total)
		}
	})

	t.Run("WhiteBlackIPAndGroups", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		g := &waf.IPGroup{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Name: "g", IPs: []string{"10.0.0.0/8", "2001:db8::/32"},
			Remarks: map[string]string{}, CreatedAt: now}
		must(t, s.CreateIPGroup(ctx, g))
		dup := *g
		dup.ID = newID(t)
		wantKind(t, s.CreateIPGroup(ctx, &dup), rampart.KindConflict)
		wantKind(t, s.CreateWhiteBlackIPRules(ctx, []*waf.WhiteBlackIPRule{wb(t, p.ID, "", newID(t))}), rampart.KindNotFound)
		r := wb(t, p.ID, "", g.ID)
		must(t, s.CreateWhiteBlackIPRules(ctx, []*waf.WhiteBlackIPRule{r, wb(t, p.ID, "192.0.2.1", "")}))
		if r.IPGroup == nil || r.IPGroup.Size != 2 || r.IPGroup.Name != "g" {
			t.Fatalf("group ref %+v", r.IPGroup)
		}
		got, err := s.FindIPGroup(ctx, proj, g.ID)
		must(t, err)
		if len(got.Rules) != 1 || got.Rules[0].RuleID != r.ID || got.Rules[0].PolicyName != "a" {
			t.Fatalf("group rules %+v", got.Rules)
		}
		_, err = s.DeleteIPGroup(ctx, proj, g.ID)
		wantKind(t, err, rampart.KindInUse)
		for _, tc := range []struct {
			ip   string
			want int
		}{{"10.255.0.1", 1}, {"11.0.0.0", 0}, {"2001:db8:ffff::1", 1}, {"2001:db9::", 0}} {
			_, total, err := s.FindIPGroups(ctx, waf.IPGroupFilter{ProjectID: proj, EnterpriseProjectID: "0",
				IP: netip.MustParseAddr(tc.ip), Page: waf.Page{Limit: 10}})
			must(t, err)
			if total != tc.want {
				t.Errorf("groups containing %s: %d, want %d", tc.ip, total, tc.want)
			}
		}
		_, err = s.UpdateIPGroup(ctx, proj, g.ID, func(g *waf.IPGroup) error { g.IPs = []string{"172.16.0.0/12"}; return nil })
		must(t, err)
		if _, total, _ := s.FindIPGroups(ctx, waf.IPGroupFilter{ProjectID: proj, EnterpriseProjectID: "0",
			IP: netip.MustParseAddr("10.0.0.1"), Page: waf.Page{Limit: 10}}); total != 0 {
			t.Fatal("ranges not replaced on update")
		}
		rules, total, err := s.FindWhiteBlackIPRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Page: waf.Page{Limit: 10}})
		must(t, err)
		if total != 2 || rules[0].IPGroup == nil || rules[0].IPGroup.Size != 1 || rules[1].Addr != "192.0.2.1" {
			t.Fatalf("list %d %+v", total, rules)
		}
		_, err = s.UpdateWhiteBlackIPRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r.ID}}}, func(r *waf.WhiteBlackIPRule) error {
			r.IPGroupID, r.Addr = "", "198.51.100.0/24"
			return nil
		})
		must(t, err)
		_, err = s.DeleteIPGroup(ctx, proj, g.ID)
		must(t, err)
		_, err = s.FindIPGroup(ctx, proj, g.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("HostsAndBinding", func(t *testing.T) {
		s := newStore(t)
		np := &waf.Policy{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Name: "auto", Level: 2, Options: map[string]bool{},
			ModulexOptions: map[string]any{}, Extend: map[string]string{}, CreatedAt: now}
		h := host(t, np.ID, "www.example.com")
		must(t, s.CreateHost(ctx, h, np))
		if h.PolicyName != "auto" {
			t.Fatalf("policy name %q", h.PolicyName)
		}
		wantKind(t, s.CreateHost(ctx, host(t, np.ID, "www.example.com"), nil), rampart.KindConflict)
		// Host names are case-insensitive: the data plane serves one of them.
		wantKind(t, s.CreateHost(ctx, host(t, np.ID, "WWW.Example.COM"), nil), rampart.KindConflict)
		wantKind(t, s.CreateHost(ctx, host(t, newID(t), "api.example.com"), nil), rampart.KindNotFound)
		p, err := s.FindPolicy(ctx, proj, np.ID)
		must(t, err)
		if len(p.Hosts) != 1 || p.Hosts[0].Hostname != "www.example.com" {
			t.Fatalf("bound hosts %+v", p.Hosts)
		}
		_, err = s.DeletePolicies(ctx, proj, []string{np.ID})
		wantKind(t, err, rampart.KindInUse)
		q := policy(t, s, proj, "q")
		_, err = s.BindHosts(ctx, proj, q.ID, []string{h.ID, newID(t)})
		wantKind(t, err, rampart.KindNotFound)
		bound, err := s.BindHosts(ctx, proj, q.ID, []string{h.ID})
		must(t, err)
		if len(bound.Hosts) != 1 {
			t.Fatal("host not bound")
		}
		_, err = s.DeletePolicies(ctx, proj, []string{np.ID})
		must(t, err)
		_, err = s.UpdateHost(ctx, proj, h.ID, func(h *waf.Host) error { h.PolicyID = newID(t); return nil })
		wantKind(t, err, rampart.KindNotFound)
		up, err := s.UpdateHost(ctx, proj, h.ID, func(h *waf.Host) error {
			h.ProtectStatus = -1
			h.Servers = append(h.Servers, waf.Server{FrontProtocol: "HTTPS", BackProtocol: "HTTP", Address: "2001:db8::1", Port: 443, Type: "ipv6", Weight: 2})
			h.Extra = map[string]any{"block_page": map[string]any{"template": "custom"}}
			return nil
		})
		must(t, err)
		got, err := s.FindHost(ctx, proj, h.ID)
		must(t, err)
		if got.ProtectStatus != -1 || len(got.Servers) != 2 || got.Servers[1] != up.Servers[1] || got.PolicyName != "q" || got.Extra["block_page"] == nil {
			t.Fatalf("found %+v", got)
		}
		_, err = s.FindHost(ctx, other, h.ID)
		wantKind(t, err, rampart.KindNotFound)
		hs, total, err := s.FindHosts(ctx, waf.HostFilter{ProjectID: proj, EnterpriseProjectID: "0", PolicyName: "q", Page: waf.Page{Limit: -1}})
		must(t, err)
		if total != 1 || len(hs) != 1 {
			t.Fatalf("hosts %d", total)
		}
		_, err = s.DeleteHost(ctx, proj, h.ID)
		must(t, err)
		_, err = s.DeleteHost(ctx, proj, h.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("AllHosts", func(t *testing.T) {
		s := newStore(t)
		all, err := s.AllHosts(ctx)
		must(t, err)
		if len(all) != 0 {
			t.Fatalf("empty store lists %d hosts", len(all))
		}
		pa := policy(t, s, proj, "a")
		pb := policy(t, s, other, "b")
		h1 := host(t, pa.ID, "one.example.com")
		must(t, s.CreateHost(ctx, h1, nil))
		h2 := host(t, pb.ID, "one.example.com") // the same name in another project
		h2.ProjectID = other
		c := &waf.Certificate{ID: newID(t), ProjectID: other, EnterpriseProjectID: "0", Name: "c",
			Content: "-----BEGIN CERTIFICATE-----\n", Key: "-----BEGIN PRIVATE KEY-----\n", ExpireTime: time.Now().Add(time.Hour),
			CreatedAt: time.Now()}
		must(t, s.CreateCertificate(ctx, c))
		h2.CertificateID = c.ID
		must(t, s.CreateHost(ctx, h2, nil))
		h3 := host(t, pa.ID, "*.example.com")
		must(t, s.CreateHost(ctx, h3, nil))
		all, err = s.AllHosts(ctx)
		must(t, err)
		if len(all) != 3 || all[0].ID != h1.ID || all[1].ID != h2.ID || all[2].ID != h3.ID {
			t.Fatalf("all hosts %+v", all)
		}
		if all[1].ProjectID != other || all[1].CertificateID != c.ID || all[1].PolicyID != pb.ID || len(all[1].Servers) != 1 || all[0].ProtectStatus != 1 {
			t.Fatalf("host of another project %+v", all[1])
		}
		_, err = s.DeleteHost(ctx, proj, h1.ID)
		must(t, err)
		all, err = s.AllHosts(ctx)
		must(t, err)
		if len(all) != 2 || all[0].ID != h2.ID {
			t.Fatalf("after delete %+v", all)
		}
	})

	t.Run("CopyPolicy", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "src")
		must(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, p.ID, "CN")}))
		must(t, s.CreateReputationRules(ctx, []*waf.ReputationRule{rep(t, p.ID, "HW")}))
		must(t, s.CreateWhiteBlackIPRules(ctx, []*waf.WhiteBlackIPRule{wb(t, p.ID, "192.0.2.1", "")}))
		dst := *p
		dst.ID, dst.Name = newID(t), "dst"
		must(t, s.CopyPolicy(ctx, proj, p.ID, &dst, func() string { return newID(t) }))
		g, gt, _ := s.FindGeoIPRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: 10}})
		_, rt, _ := s.FindReputationRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: 10}})
		_, wt, _ := s.FindWhiteBlackIPRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: 10}})
		if gt != 1 || rt != 1 || wt != 1 || g[0].Geoip != "CN" {
			t.Fatalf("copied %d/%d/%d rules", gt, rt, wt)
		}
		// The copy's locations are its own: CN conflicts in dst too.
		wantKind(t, s.CreateGeoIPRules(ctx, []*waf.GeoIPRule{geo(t, dst.ID, "CN")}), rampart.KindConflict)
		again := dst
		again.ID = newID(t)
		wantKind(t, s.CopyPolicy(ctx, proj, p.ID, &again, func() string { return newID(t) }), rampart.KindConflict)
		again.Name = "other"
		wantKind(t, s.CopyPolicy(ctx, proj, newID(t), &again, func() string { return newID(t) }), rampart.KindNotFound)
	})
}

// createWAFPolicy stores a policy of the project with one option on.
func createWAFPolicy(t *testing.T, s waf.Store, project, name, option string, now time.Time) *waf.Policy {
	t.Helper()
	p := &waf.Policy{ID: newID(t), ProjectID: project, EnterpriseProjectID: "0", Name: name, Level: 2,
		RobotAction: "log", Action: "log", Options: map[string]bool{option: true}, ModulexOptions: map[string]any{},
		Extend: map[string]string{}, CreatedAt: now}
	must(t, s.CreatePolicy(context.Background(), p))
	return p
}
