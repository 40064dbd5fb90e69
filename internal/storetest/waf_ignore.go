package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFIgnore runs the conformance tests of the false-alarm masking
// (ignore) rules of waf.Store. When the store also implements
// rampart.RevisionStore, it checks that rule writes bump the project's WAF
// revision and that hit counts do not.
func RunWAFIgnore(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	policy := func(t *testing.T, s waf.Store, project, name string) *waf.Policy {
		t.Helper()
		return createWAFPolicy(t, s, project, name, "ignore", now)
	}
	rule := func(t *testing.T, project, policyID string) *waf.IgnoreRule {
		return &waf.IgnoreRule{ID: newID(t), ProjectID: project, PolicyID: policyID, EnterpriseProjectID: "0",
			Domains: []string{"www.example.com"}, Mode: 1, Rule: "sqli;xss", Status: 1, Description: "search box",
			Conditions: []waf.IgnoreCondition{
				{Category: "url", LogicOperation: "prefix", Contents: []string{"/search"}},
				{Category: "header", CheckAllIndexes: 2, LogicOperation: "exist"},
			},
			Advanced:  &waf.IgnoreAdvanced{Index: "params", Fields: []string{"q"}},
			CreatedAt: now, UpdatedAt: now}
	}
	ids := func(policyID string, ruleIDs ...string) []waf.PolicyRuleIDs {
		return []waf.PolicyRuleIDs{{PolicyID: policyID, RuleIDs: ruleIDs}}
	}
	revision := func(t *testing.T, s waf.Store, project string) (int64, bool) {
		t.Helper()
		rs, ok := s.(rampart.RevisionStore)
		if !ok {
			return 0, false
		}
		n, err := rs.Revision(ctx, project, rampart.FamilyWAF)
		must(t, err)
		return n, true
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		r := rule(t, proj, p.ID)
		noAdvanced := rule(t, proj, p.ID)
		noAdvanced.Advanced, noAdvanced.Domains = nil, []string{}
		must(t, s.CreateIgnoreRules(ctx, []*waf.IgnoreRule{r, noAdvanced}))
		got, err := s.FindIgnoreRule(ctx, proj, p.ID, r.ID)
		must(t, err)
		if !slices.Equal(got.Domains, r.Domains) || got.Rule != "sqli;xss" || got.Mode != 1 || got.Status != 1 ||
			got.Description != "search box" || !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now) ||
			!got.ClearedAt.IsZero() || got.Hits != 0 || len(got.Conditions) != 2 {
			t.Fatalf("read back %+v", got)
		}
		if c := got.Conditions[0]; c.Category != "url" || c.LogicOperation != "prefix" || !slices.Equal(c.Contents, []string{"/search"}) {
			t.Fatalf("condition 0 read back %+v", c)
		}
		if c := got.Conditions[1]; c.Category != "header" || c.CheckAllIndexes != 2 || c.Index != "" || c.LogicOperation != "exist" {
			t.Fatalf("condition 1 read back %+v", c)
		}
		if got.Advanced == nil || got.Advanced.Index != "params" || !slices.Equal(got.Advanced.Fields, []string{"q"}) {
			t.Fatalf("advanced read back %+v", got.Advanced)
		}
		got, err = s.FindIgnoreRule(ctx, proj, p.ID, noAdvanced.ID)
		must(t, err)
		if got.Advanced != nil || got.Domains == nil || len(got.Domains) != 0 {
			t.Fatalf("rule without advanced read back advanced %+v, domains %#v", got.Advanced, got.Domains)
		}
	})

	t.Run("ScopedToPolicyAndProject", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		theirs := policy(t, s, other, "a")
		r := rule(t, proj, p.ID)
		must(t, s.CreateIgnoreRules(ctx, []*waf.IgnoreRule{r}))
		_, err := s.FindIgnoreRule(ctx, proj, q.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindIgnoreRule(ctx, other, p.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		// A rule into another project's policy: not found, and nothing stored (all or none).
		wantKind(t, s.CreateIgnoreRules(ctx, []*waf.IgnoreRule{rule(t, proj, q.ID), rule(t, proj, theirs.ID)}), rampart.KindNotFound)
		if _, total, _ := s.FindIgnoreRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: 10}}); total != 1 {
			t.Fatalf("a refused batch stored rules: total %d", total)
		}
		_, err = s.UpdateIgnoreRules(ctx, other, ids(p.ID, r.ID), func(*waf.IgnoreRule) error { return nil })
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, s.DeleteRules(ctx, other, waf.RuleIgnore, ids(p.ID, r.ID)), rampart.KindNotFound)
		// Another project's hits do not count.
		must(t, s.AddIgnoreRuleHits(ctx, other, []waf.IgnoreHit{{RuleID: r.ID, Count: 5}}))
		if got, _ := s.FindIgnoreRule(ctx, proj, p.ID, r.ID); got.Hits != 0 {
			t.Fatalf("hits of another project counted: %d", got.Hits)
		}
	})

	t.Run("ListUpdateDelete", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		r1, r2, r3 := rule(t, proj, p.ID), rule(t, proj, p.ID), rule(t, proj, q.ID)
		must(t, s.CreateIgnoreRules(ctx, []*waf.IgnoreRule{r1, r2, r3}))
		rules, total, err := s.FindIgnoreRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Page: waf.Page{Offset: 1, Limit: 10}})
		must(t, err)
		if total != 2 || len(rules) != 1 || rules[0].ID != r2.ID {
			t.Fatalf("page 2 of policy a: total %d, %d rules", total, len(rules))
		}
		if _, total, _ := s.FindIgnoreRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: -1}}); total != 3 {
			t.Fatalf("project total %d, want 3", total)
		}
		later := now.Add(time.Minute)
		out, err := s.UpdateIgnoreRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r1.ID}}, {PolicyID: q.ID, RuleIDs: []string{r3.ID}}},
			func(r *waf.IgnoreRule) error {
				r.Rule, r.Advanced, r.Status, r.UpdatedAt = "all", nil, 0, later
				return nil
			})
		must(t, err)
		if len(out) != 2 {
			t.Fatalf("updated %d rules, want 2", len(out))
		}
		got, _ := s.FindIgnoreRule(ctx, proj, q.ID, r3.ID)
		if got.Rule != "all" || got.Advanced != nil || got.Status != 0 || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(now) {
			t.Fatalf("updated rule read back %+v", got)
		}
		// A batch naming a missing rule changes nothing.
		_, err = s.UpdateIgnoreRules(ctx, proj, ids(p.ID, r2.ID, newID(t)), func(r *waf.IgnoreRule) error { r.Rule = "xss"; return nil })
		wantKind(t, err, rampart.KindNotFound)
		if got, _ := s.FindIgnoreRule(ctx, proj, p.ID, r2.ID); got.Rule != "sqli;xss" {
			t.Fatalf("a refused batch changed a rule: %q", got.Rule)
		}
		wantKind(t, s.DeleteRules(ctx, proj, waf.RuleIgnore, ids(p.ID, r1.ID, newID(t))), rampart.KindNotFound)
		must(t, s.DeleteRules(ctx, proj, waf.RuleIgnore, ids(p.ID, r1.ID)))
		_, err = s.FindIgnoreRule(ctx, proj, p.ID, r1.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeletePolicies(ctx, proj, []string{q.ID})
		must(t, err)
		if _, total, _ := s.FindIgnoreRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: -1}}); total != 1 {
			t.Fatalf("after deleting a rule and a policy: total %d, want 1", total)
		}
	})

	t.Run("HitsAndRevision", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		r := rule(t, proj, p.ID)
		rev0, hasRevisions := revision(t, s, proj)
		must(t, s.CreateIgnoreRules(ctx, []*waf.IgnoreRule{r}))
		rev1, _ := revision(t, s, proj)
		if hasRevisions && rev1 <= rev0 {
			t.Fatalf("creating an ignore rule left the WAF revision at %d", rev1)
		}
		must(t, s.AddIgnoreRuleHits(ctx, proj, []waf.IgnoreHit{{RuleID: r.ID, Count: 3}, {RuleID: newID(t), Count: 1}, {RuleID: r.ID, Count: 4}}))
		must(t, s.AddIgnoreRuleHits(ctx, proj, nil))
		if rev, _ := revision(t, s, proj); rev != rev1 {
			t.Fatalf("hit counts bumped the WAF revision from %d to %d", rev1, rev)
		}
		got, err := s.FindIgnoreRule(ctx, proj, p.ID, r.ID)
		must(t, err)
		if got.Hits != 7 {
			t.Fatalf("hits %d, want 7", got.Hits)
		}
		cleared := now.Add(time.Hour)
		_, err = s.UpdateIgnoreRules(ctx, proj, ids(p.ID, r.ID), func(r *waf.IgnoreRule) error {
			r.Hits, r.ClearedAt = 0, cleared
			return nil
		})
		must(t, err)
		must(t, s.AddIgnoreRuleHits(ctx, proj, []waf.IgnoreHit{{RuleID: r.ID, Count: 2}}))
		got, _ = s.FindIgnoreRule(ctx, proj, p.ID, r.ID)
		if got.Hits != 2 || !got.ClearedAt.Equal(cleared) {
			t.Fatalf("after a reset and 2 hits: hits %d, cleared %v", got.Hits, got.ClearedAt)
		}
		if rev, _ := revision(t, s, proj); hasRevisions && rev <= rev1 {
			t.Fatalf("updating an ignore rule left the WAF revision at %d", rev)
		}
	})

	t.Run("CopyPolicy", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "src")
		r := rule(t, proj, p.ID)
		must(t, s.CreateIgnoreRules(ctx, []*waf.IgnoreRule{r}))
		must(t, s.AddIgnoreRuleHits(ctx, proj, []waf.IgnoreHit{{RuleID: r.ID, Count: 9}}))
		dst := *p
		dst.ID, dst.Name = newID(t), "dst"
		must(t, s.CopyPolicy(ctx, proj, p.ID, &dst, func() string { return newID(t) }))
		rules, total, err := s.FindIgnoreRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: 10}})
		must(t, err)
		if total != 1 || rules[0].ID == r.ID || rules[0].Rule != r.Rule || rules[0].Advanced == nil || rules[0].Hits != 0 {
			t.Fatalf("copied rules: total %d, %+v", total, rules)
		}
	})
}
