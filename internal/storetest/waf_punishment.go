package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// RunWAFPunishment runs the conformance tests of the known-attack-source
// (punishment) rules of waf.Store: one rule per category in a policy, and
// no deleting a rule a precise-protection rule or the policy still names.
func RunWAFPunishment(t *testing.T, newStore func(t *testing.T) waf.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	policy := func(t *testing.T, s waf.Store, project, name string) *waf.Policy {
		t.Helper()
		return createWAFPolicy(t, s, project, name, "followed_action", now)
	}
	rule := func(t *testing.T, project, policyID, category string) *waf.PunishmentRule {
		return &waf.PunishmentRule{ID: newID(t), ProjectID: project, PolicyID: policyID, EnterpriseProjectID: "0",
			Category: category, BlockTime: 10, TimeUnit: "MINUTE", Description: "scanners", CreatedAt: now}
	}
	ids := func(policyID string, ruleIDs ...string) []waf.PolicyRuleIDs {
		return []waf.PolicyRuleIDs{{PolicyID: policyID, RuleIDs: ruleIDs}}
	}
	followedBy := func(t *testing.T, project, policyID, punishmentID string) *waf.CustomRule {
		return &waf.CustomRule{ID: newID(t), ProjectID: project, PolicyID: policyID, EnterpriseProjectID: "0", Name: "c",
			Conditions: []waf.CustomCondition{{Category: "url", LogicOperation: "prefix", Contents: []string{"/"}}},
			Action:     waf.CustomAction{Category: "block", FollowedActionID: punishmentID}, Status: 1, CreatedAt: now}
	}

	t.Run("RoundTripAndOnePerCategory", func(t *testing.T) {
		s := newStore(t)
		p, q := policy(t, s, proj, "a"), policy(t, s, proj, "b")
		r := rule(t, proj, p.ID, "long_ip_block")
		must(t, s.CreatePunishmentRule(ctx, r))
		got, err := s.FindPunishmentRule(ctx, proj, p.ID, r.ID)
		must(t, err)
		if *got != *r {
			t.Fatalf("read back %+v, want %+v", got, r)
		}
		wantKind(t, s.CreatePunishmentRule(ctx, rule(t, proj, p.ID, "long_ip_block")), rampart.KindConflict)
		must(t, s.CreatePunishmentRule(ctx, rule(t, proj, p.ID, "short_ip_block")))
		must(t, s.CreatePunishmentRule(ctx, rule(t, proj, q.ID, "long_ip_block"))) // another policy
		wantKind(t, s.CreatePunishmentRule(ctx, rule(t, proj, newID(t), "long_ip_block")), rampart.KindNotFound)
		list, n, err := s.FindPunishmentRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{p.ID}, Page: waf.Page{Limit: -1}})
		must(t, err)
		if n != 2 || len(list) != 2 || list[0].ID != r.ID || list[1].Category != "short_ip_block" {
			t.Fatalf("list of policy a: total %d, %+v", n, list)
		}
	})

	t.Run("ScopedUpdateRevision", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		theirs := policy(t, s, other, "a")
		r := rule(t, proj, p.ID, "long_cookie_block")
		must(t, s.CreatePunishmentRule(ctx, r))
		_, err := s.FindPunishmentRule(ctx, other, p.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindPunishmentRule(ctx, other, theirs.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.UpdatePunishmentRule(ctx, other, p.ID, r.ID, func(*waf.PunishmentRule) error { return nil })
		wantKind(t, err, rampart.KindNotFound)
		if _, n, _ := s.FindPunishmentRules(ctx, waf.RuleFilter{ProjectID: other, Page: waf.Page{Limit: 10}}); n != 0 {
			t.Fatalf("another project lists %d rules", n)
		}
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
		up, err := s.UpdatePunishmentRule(ctx, proj, p.ID, r.ID, func(r *waf.PunishmentRule) error {
			r.BlockTime, r.TimeUnit, r.Description = 3, "DAY", ""
			return nil
		})
		must(t, err)
		got, _ := s.FindPunishmentRule(ctx, proj, p.ID, r.ID)
		if up.BlockTime != 3 || got.BlockTime != 3 || got.TimeUnit != "DAY" || got.Description != "" || got.Category != "long_cookie_block" ||
			!got.CreatedAt.Equal(now) || (hasRevisions && revision() <= rev) {
			t.Fatalf("after update %+v (revision %d after %d)", got, revision(), rev)
		}
		wantKind(t, s.DeleteRules(ctx, other, waf.RulePunishment, ids(p.ID, r.ID)), rampart.KindNotFound)
		rev = revision()
		must(t, s.DeleteRules(ctx, proj, waf.RulePunishment, ids(p.ID, r.ID)))
		if hasRevisions && revision() <= rev {
			t.Fatal("deleting a known-attack-source rule did not bump the WAF revision")
		}
		_, err = s.FindPunishmentRule(ctx, proj, p.ID, r.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("InUseWhileNamed", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "a")
		r := rule(t, proj, p.ID, "long_ip_block")
		must(t, s.CreatePunishmentRule(ctx, r))
		c := followedBy(t, proj, p.ID, r.ID)
		must(t, s.CreateCustomRules(ctx, []*waf.CustomRule{c}))
		wantKind(t, s.DeleteRules(ctx, proj, waf.RulePunishment, ids(p.ID, r.ID)), rampart.KindInUse)
		must(t, s.DeleteRules(ctx, proj, waf.RuleCustom, ids(p.ID, c.ID)))
		_, err := s.UpdatePolicy(ctx, proj, p.ID, func(p *waf.Policy) error { p.FollowedActionID = r.ID; return nil })
		must(t, err)
		wantKind(t, s.DeleteRules(ctx, proj, waf.RulePunishment, ids(p.ID, r.ID)), rampart.KindInUse)
		_, err = s.UpdatePolicy(ctx, proj, p.ID, func(p *waf.Policy) error { p.FollowedActionID = ""; return nil })
		must(t, err)
		must(t, s.DeleteRules(ctx, proj, waf.RulePunishment, ids(p.ID, r.ID)))
	})

	t.Run("CopyPolicyRemapsFollowedActions", func(t *testing.T) {
		s := newStore(t)
		p := policy(t, s, proj, "src")
		r := rule(t, proj, p.ID, "long_ip_block")
		must(t, s.CreatePunishmentRule(ctx, r))
		must(t, s.CreateCustomRules(ctx, []*waf.CustomRule{followedBy(t, proj, p.ID, r.ID)}))
		src, err := s.UpdatePolicy(ctx, proj, p.ID, func(p *waf.Policy) error { p.FollowedActionID = r.ID; return nil })
		must(t, err)
		dst := *src
		dst.ID, dst.Name, dst.Hosts = newID(t), "dst", nil
		must(t, s.CopyPolicy(ctx, proj, p.ID, &dst, func() string { return newID(t) }))
		copies, n, err := s.FindPunishmentRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: -1}})
		must(t, err)
		if n != 1 || copies[0].ID == r.ID || copies[0].Category != r.Category || copies[0].BlockTime != r.BlockTime {
			t.Fatalf("copied rules: total %d, %+v", n, copies)
		}
		customs, _, err := s.FindCustomRules(ctx, waf.RuleFilter{ProjectID: proj, PolicyIDs: []string{dst.ID}, Page: waf.Page{Limit: -1}})
		must(t, err)
		stored, err := s.FindPolicy(ctx, proj, dst.ID)
		must(t, err)
		if len(customs) != 1 || customs[0].Action.FollowedActionID != copies[0].ID || stored.FollowedActionID != copies[0].ID ||
			dst.FollowedActionID != copies[0].ID {
			t.Fatalf("followed actions of the copy: rule %+v, policy %q (returned %q), want %s",
				customs, stored.FollowedActionID, dst.FollowedActionID, copies[0].ID)
		}
		// The source keeps its own.
		if got, _ := s.FindPolicy(ctx, proj, p.ID); got.FollowedActionID != r.ID {
			t.Fatalf("source policy followed action %q", got.FollowedActionID)
		}
	})
}
