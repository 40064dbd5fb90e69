package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFCC runs the conformance tests of the CC rules of waf.Store. When
// the store also implements rampart.RevisionStore, it checks that rule
// writes bump the project's WAF revision.
func RunWAFCC(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	policy := func(t *testing.T, s waf.Store, project, name string) *waf.Policy {
		t.Helper()
		return createWAFPolicy(t, s, project, name, "cc", now)
	}
	seven, three := 7, 300
	rule := func(t *testing.T, project, policyID string) *waf.CCRule {
		return &waf.CCRule{ID: newID(t), ProjectID: project, PolicyID: policyID, EnterpriseProjectID: "0",
			Name: "login", Description: "slow down logins", Mode: 1,
			Conditions: []waf.CustomCondition{
				{Category: "url", LogicOperation: "prefix", Contents: []string{"/login"}},
				{Category: "header", Index: "x-client", LogicOperation: "equal_any", ValueListID: "v0000000000000000000000000000001"},
			},
			Action:  waf.CCAction{Category: "block", Response: &waf.CCResponse{ContentType: "application/json", Content: `{"slow":"down"}`}},
			TagType: "other", TagCondition: &waf.CCTagCondition{Category: "referer", Contents: []string{"https://a.example"}},
			LimitNum: 10, LimitPeriod: 60, LockTime: 120, DomainAggregation: true, RegionAggregation: true,
			Priority: &seven, CCPriority: &three, Status: 1, CreatedAt: now}
	}
	plainRule := func(t *testing.T, project, policyID string) *waf.CCRule {
		return &waf.CCRule{ID: newID(t), ProjectID: project, PolicyID: policyID, EnterpriseProjectID: "0",
			Mode: 0, URL: "/api", Prefix: true, Action: waf.CCAction{Category: "log"}, TagType: "cookie", TagIndex: "sid",
			LimitNum: 5, LimitPeriod: 1, Status: 1, CreatedAt: now}
	}
	ids := func(policyID string, ruleIDs ...string) []waf.PolicyRuleIDs {
		return []waf.PolicyRuleIDs{{PolicyID: policyID, RuleIDs: ruleIDs}}
	}
	total := func(t *testing.T, s waf.Store, f waf.RuleFilter) int {
		t.Helper()
		_, n, err := s.FindCCRules(ctx, f)
		must(t, err)
		return n
	}
	same := func(t *testing.T, got, want *waf.CCRule) {
		t.Helper()
		eqInt := func(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		if got.ID != want.ID || got.PolicyID != want.PolicyID || got.EnterpriseProjectID != want.EnterpriseProjectID ||
			got.Name != want.Name || got.Description != want.Description || got.Mode != want.Mode || got.URL != want.URL ||
			got.Prefix != want.Prefix || got.Action.Category != want.Action.Category || (got.Action.Response == nil) != (want.Action.Response == nil) ||
			got.TagType != want.TagType || got.TagIndex != want.TagIndex || (got.TagCondition == nil) != (want.TagCondition == nil) ||
			got.LimitNum != want.LimitNum || got.LimitPeriod != want.LimitPeriod || got.UnlockNum != want.UnlockNum ||
			got.LockTime != want.LockTime || got.DomainAggregation != want.DomainAggregation ||
			got.RegionAggregation != want.RegionAggregation || !eqInt(got.Priority, want.Priority) ||
			!eqInt(got.CCPriority, want.CCPriority) || got.Status != want.Status || !got.CreatedAt.Equal(want.CreatedAt) ||
			len(got.Conditions) != len(want.Conditions) {
			t.Fatalf("read back %+v, want %+v", got, want)
		}
		if want.Action.Response != nil && *got.Action.Response != *want.Action.Response {
			t.Fatalf("response read back %+v, want %+v", got.Action.Response, want.Action.Response)
		}
		if want.TagCondition != nil && (got.TagCondition.Category != want.TagCondition.Category ||
			!slices.Equal(got.TagCondition.Contents, want.TagCondition.Contents)) {
			t.Fatalf("tag condition read back %+v, want %+v", got.TagCondition, want.TagCondition)
		}
		for i, c := range want.Conditions {
			g := got.Conditions[i]
			if g.Category != c.Category || g.Index != c.Index || g.LogicOperation != c.LogicOperation ||
				!slices.Equal(g.Contents, c.Contents) || g.ValueListID != c.ValueListID {
				t.Fatalf("condition %d read back %+v, want %+v", i, g, c)
			}
		}
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		r, plain := rule(t, proj, p.ID), plainRule(t, proj, p.ID)
		dyn := rule(t, proj, p.ID)
		dyn.Action, dyn.UnlockNum, dyn.Priority, dyn.CCPriority = waf.CCAction{Category: "dynamic_block"}, 0, nil, nil
		dyn.UnlockNum = 3
		must(t, s.CreateCCRules(ctx, []*waf.CCRule{r, plain, dyn}))
		for _, want := range []*waf.CCRule{r, plain, dyn} {
			got, err := s.FindCCRule(ctx, proj, p.ID, want.ID)
			must(t, err)
			same(t, got, want)
		}
		all, n, err := s.FindCCRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: -1}})
		must(t, err)
		if n != 3 || len(all) != 3 || all[0].ID != r.ID || all[2].ID != dyn.ID {
			t.Fatalf("Limit -1: total %d, %d rules", n, len(all))
		}
	})

	t.Run("ScopedToPolicyAndProject", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		theirs := policy(t, s, other, "a")
		r := rule(t, proj, p.ID)
		must(t, s.CreateCCRules(ctx, []*waf.CCRule{r}))
		_, err := s.FindCCRule(ctx, proj, q.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindCCRule(ctx, other, p.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, s.CreateCCRules(ctx, []*waf.CCRule{rule(t, proj, q.ID), rule(t, proj, theirs.ID)}), rampart.KindNotFound)
		if n := total(t, s, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: 10}}); n != 1 {
			t.Fatalf("a refused batch stored rules: total %d", n)
		}
		if n := total(t, s, waf.RuleFilter{ProjectID: other, Page: waf.Page{Limit: 10}}); n != 0 {
			t.Fatalf("another project lists %d rules", n)
		}
		_, err = s.UpdateCCRules(ctx, other, ids(p.ID, r.ID), func(*waf.CCRule) error { return nil })
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, s.DeleteRules(ctx, other, waf.RuleCC, ids(p.ID, r.ID)), rampart.KindNotFound)
	})

	t.Run("ListUpdateDeleteRevision", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		r1, r2, r3 := rule(t, proj, p.ID), rule(t, proj, p.ID), rule(t, proj, q.ID)
		rs, hasRevisions := s.(rampart.RevisionStore)
		revision := func() int64 {
			if !hasRevisions {
				return 0
			}
			n, err := rs.Revision(ctx, proj, rampart.FamilyWAF)
			must(t, err)
			return n
		}
		rev := revision()
		must(t, s.CreateCCRules(ctx, []*waf.CCRule{r1, r2, r3}))
		if hasRevisions && revision() <= rev {
			t.Fatal("creating CC rules did not bump the WAF revision")
		}
		rules, n, err := s.FindCCRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Page: waf.Page{Offset: 1, Limit: 10}})
		must(t, err)
		if n != 2 || len(rules) != 1 || rules[0].ID != r2.ID {
			t.Fatalf("page 2 of policy a: total %d, %d rules", n, len(rules))
		}
		rev = revision()
		out, err := s.UpdateCCRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r1.ID}}, {PolicyID: q.ID, RuleIDs: []string{r3.ID}}},
			func(r *waf.CCRule) error {
				want := plainRule(t, proj, r.PolicyID)
				want.ID, want.Status, want.Name = r.ID, 0, "renamed"
				*r = *want
				return nil
			})
		must(t, err)
		if len(out) != 2 || (hasRevisions && revision() <= rev) {
			t.Fatalf("updated %d rules (want 2), revision %d after %d", len(out), revision(), rev)
		}
		got, err := s.FindCCRule(ctx, proj, q.ID, r3.ID)
		must(t, err)
		want := plainRule(t, proj, q.ID)
		want.ID, want.Status, want.Name = r3.ID, 0, "renamed"
		same(t, got, want) // priorities, tag condition, response and conditions are cleared
		// A batch naming a missing rule changes nothing.
		_, err = s.UpdateCCRules(ctx, proj, ids(p.ID, r2.ID, newID(t)), func(r *waf.CCRule) error { r.Name = "x"; return nil })
		wantKind(t, err, rampart.KindNotFound)
		if got, _ := s.FindCCRule(ctx, proj, p.ID, r2.ID); got.Name != "login" {
			t.Fatalf("a refused batch changed a rule: %q", got.Name)
		}
		wantKind(t, s.DeleteRules(ctx, proj, waf.RuleCC, ids(p.ID, r1.ID, newID(t))), rampart.KindNotFound)
		rev = revision()
		must(t, s.DeleteRules(ctx, proj, waf.RuleCC, ids(p.ID, r1.ID)))
		if hasRevisions && revision() <= rev {
			t.Fatal("deleting a CC rule did not bump the WAF revision")
		}
		_, err = s.FindCCRule(ctx, proj, p.ID, r1.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeletePolicies(ctx, proj, []string{q.ID})
		must(t, err)
		if n := total(t, s, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: -1}}); n != 1 {
			t.Fatalf("after deleting a rule and a policy: total %d, want 1", n)
		}
	})

	t.Run("NameFilter", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		named, plain := rule(t, proj, p.ID), plainRule(t, proj, p.ID)
		named.Name = "login_50%"
		must(t, s.CreateCCRules(ctx, []*waf.CCRule{named, plain}))
		for _, tc := range []struct {
			name string
			want int
		}{{"gin_5", 1}, {"50%", 1}, {"5%", 0}, {"_", 1}, {"", 2}, {"logout", 0}} {
			rules, n, err := s.FindCCRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Name: tc.name, Page: waf.Page{Limit: -1}})
			must(t, err)
			if n != tc.want || len(rules) != tc.want {
				t.Errorf("name %q: total %d, %d rules, want %d", tc.name, n, len(rules), tc.want)
			}
		}
	})

	t.Run("ValueListInUse", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		l := &waf.ValueList{ID: newID(t), ProjectID: proj, EnterpriseProjectID: "0", Name: "clients", Type: "header",
			Values: []string{"bot"}, CreatedAt: now}
		must(t, s.CreateValueList(ctx, l, 100))
		r := rule(t, proj, p.ID)
		r.Conditions[1].ValueListID = l.ID
		must(t, s.CreateCCRules(ctx, []*waf.CCRule{r}))
		_, err := s.DeleteValueList(ctx, proj, l.ID)
		wantKind(t, err, rampart.KindInUse)
		must(t, s.DeleteRules(ctx, proj, waf.RuleCC, ids(p.ID, r.ID)))
		_, err = s.DeleteValueList(ctx, proj, l.ID)
		must(t, err)
	})

	t.Run("CopyPolicy", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "src")
		r := rule(t, proj, p.ID)
		must(t, s.CreateCCRules(ctx, []*waf.CCRule{r}))
		dst := *p
		dst.ID, dst.Name = newID(t), "dst"
		must(t, s.CopyPolicy(ctx, proj, p.ID, &dst, func() string { return newID(t) }))
		rules, n, err := s.FindCCRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: 10}})
		must(t, err)
		if n != 1 || rules[0].ID == r.ID {
			t.Fatalf("copied rules: total %d, %+v", n, rules)
		}
		want := *r
		want.ID, want.PolicyID = rules[0].ID, dst.ID
		want.CreatedAt = rules[0].CreatedAt
		same(t, rules[0], &want)
	})
}
