package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFCustom runs the conformance tests of the precise-protection
// (custom) rules of waf.Store. When the store also implements
// rampart.RevisionStore, it checks that rule writes bump the project's WAF
// revision.
func RunWAFCustom(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	policy := func(t *testing.T, s waf.Store, project, name string) *waf.Policy {
		t.Helper()
		return createWAFPolicy(t, s, project, name, "custom", now)
	}
	rule := func(t *testing.T, project, policyID string) *waf.CustomRule {
		return &waf.CustomRule{ID: newID(t), ProjectID: project, PolicyID: policyID, EnterpriseProjectID: "0",
			Name: "login", Description: "admin login", Time: true, Start: 1700000000, Terminal: 1800000000, Priority: 7, Status: 1,
			Conditions: []waf.CustomCondition{
				{Category: "url", LogicOperation: "prefix", Contents: []string{"/admin"}},
				{Category: "header", Index: "x-debug", LogicOperation: "exist"},
				{Category: "params", Index: "id", LogicOperation: "equal_any", ValueListID: "v0000000000000000000000000000001"},
			},
			Action:    waf.CustomAction{Category: "block", FollowedActionID: "k0000000000000000000000000000001"},
			CreatedAt: now}
	}
	ids := func(policyID string, ruleIDs ...string) []waf.PolicyRuleIDs {
		return []waf.PolicyRuleIDs{{PolicyID: policyID, RuleIDs: ruleIDs}}
	}
	total := func(t *testing.T, s waf.Store, f waf.RuleFilter) int {
		t.Helper()
		_, n, err := s.FindCustomRules(ctx, f)
		must(t, err)
		return n
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		r := rule(t, proj, p.ID)
		plain := rule(t, proj, p.ID)
		plain.Time, plain.Start, plain.Terminal, plain.Action = false, 0, 0, waf.CustomAction{Category: "log"}
		must(t, s.CreateCustomRules(ctx, []*waf.CustomRule{r, plain}))
		got, err := s.FindCustomRule(ctx, proj, p.ID, r.ID)
		must(t, err)
		if got.Name != "login" || got.Description != "admin login" || !got.Time || got.Start != 1700000000 ||
			got.Terminal != 1800000000 || got.Priority != 7 || got.Status != 1 || got.EnterpriseProjectID != "0" ||
			!got.CreatedAt.Equal(now) || got.Action != r.Action || len(got.Conditions) != 3 {
			t.Fatalf("read back %+v", got)
		}
		for i, c := range r.Conditions {
			g := got.Conditions[i]
			if g.Category != c.Category || g.Index != c.Index || g.LogicOperation != c.LogicOperation ||
				!slices.Equal(g.Contents, c.Contents) || g.ValueListID != c.ValueListID {
				t.Fatalf("condition %d read back %+v, want %+v", i, g, c)
			}
		}
		got, err = s.FindCustomRule(ctx, proj, p.ID, plain.ID)
		must(t, err)
		if got.Time || got.Start != 0 || got.Terminal != 0 || got.Action != (waf.CustomAction{Category: "log"}) {
			t.Fatalf("rule without time read back %+v", got)
		}
	})

	t.Run("ScopedToPolicyAndProject", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		theirs := policy(t, s, other, "a")
		r := rule(t, proj, p.ID)
		must(t, s.CreateCustomRules(ctx, []*waf.CustomRule{r}))
		_, err := s.FindCustomRule(ctx, proj, q.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindCustomRule(ctx, other, p.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, s.CreateCustomRules(ctx, []*waf.CustomRule{rule(t, proj, q.ID), rule(t, proj, theirs.ID)}), rampart.KindNotFound)
		if n := total(t, s, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: 10}}); n != 1 {
			t.Fatalf("a refused batch stored rules: total %d", n)
		}
		if n := total(t, s, waf.RuleFilter{ProjectID: other, Page: waf.Page{Limit: 10}}); n != 0 {
			t.Fatalf("another project lists %d rules", n)
		}
		_, err = s.UpdateCustomRules(ctx, other, ids(p.ID, r.ID), func(*waf.CustomRule) error { return nil })
		wantKind(t, err, rampart.KindNotFound)
		wantKind(t, s.DeleteRules(ctx, other, waf.RuleCustom, ids(p.ID, r.ID)), rampart.KindNotFound)
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
		must(t, s.CreateCustomRules(ctx, []*waf.CustomRule{r1, r2, r3}))
		if hasRevisions && revision() <= rev {
			t.Fatal("creating precise-protection rules did not bump the WAF revision")
		}
		rules, n, err := s.FindCustomRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Page: waf.Page{Offset: 1, Limit: 10}})
		must(t, err)
		if n != 2 || len(rules) != 1 || rules[0].ID != r2.ID {
			t.Fatalf("page 2 of policy a: total %d, %d rules", n, len(rules))
		}
		rev = revision()
		out, err := s.UpdateCustomRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{r1.ID}}, {PolicyID: q.ID, RuleIDs: []string{r3.ID}}},
			func(r *waf.CustomRule) error {
				r.Name, r.Priority, r.Status, r.Time, r.Start, r.Terminal = "renamed", 0, 0, false, 0, 0
				r.Conditions = []waf.CustomCondition{{Category: "ip", LogicOperation: "equal", Contents: []string{"192.0.2.0/24"}}}
				r.Action = waf.CustomAction{Category: "pass"}
				return nil
			})
		must(t, err)
		if len(out) != 2 || (hasRevisions && revision() <= rev) {
			t.Fatalf("updated %d rules (want 2), revision %d after %d", len(out), revision(), rev)
		}
		got, _ := s.FindCustomRule(ctx, proj, q.ID, r3.ID)
		if got.Name != "renamed" || got.Priority != 0 || got.Status != 0 || got.Time || got.Action.Category != "pass" ||
			got.Action.FollowedActionID != "" || len(got.Conditions) != 1 || got.Conditions[0].Category != "ip" || !got.CreatedAt.Equal(now) {
			t.Fatalf("updated rule read back %+v", got)
		}
		// A batch naming a missing rule changes nothing.
		_, err = s.UpdateCustomRules(ctx, proj, ids(p.ID, r2.ID, newID(t)), func(r *waf.CustomRule) error { r.Name = "x"; return nil })
		wantKind(t, err, rampart.KindNotFound)
		if got, _ := s.FindCustomRule(ctx, proj, p.ID, r2.ID); got.Name != "login" {
			t.Fatalf("a refused batch changed a rule: %q", got.Name)
		}
		wantKind(t, s.DeleteRules(ctx, proj, waf.RuleCustom, ids(p.ID, r1.ID, newID(t))), rampart.KindNotFound)
		rev = revision()
		must(t, s.DeleteRules(ctx, proj, waf.RuleCustom, ids(p.ID, r1.ID)))
		if hasRevisions && revision() <= rev {
			t.Fatal("deleting a precise-protection rule did not bump the WAF revision")
		}
		_, err = s.FindCustomRule(ctx, proj, p.ID, r1.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.DeletePolicies(ctx, proj, []string{q.ID})
		must(t, err)
		if n := total(t, s, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: -1}}); n != 1 {
			t.Fatalf("after deleting a rule and a policy: total %d, want 1", n)
		}
	})

	t.Run("CopyPolicy", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "src")
		r := rule(t, proj, p.ID)
		must(t, s.CreateCustomRules(ctx, []*waf.CustomRule{r}))
		dst := *p
		dst.ID, dst.Name = newID(t), "dst"
		must(t, s.CopyPolicy(ctx, proj, p.ID, &dst, func() string { return newID(t) }))
		rules, n, err := s.FindCustomRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: 10}})
		must(t, err)
		if n != 1 || rules[0].ID == r.ID || rules[0].Name != r.Name || rules[0].Action != r.Action || len(rules[0].Conditions) != 3 || !rules[0].Time {
			t.Fatalf("copied rules: total %d, %+v", n, rules)
		}
	})
}
