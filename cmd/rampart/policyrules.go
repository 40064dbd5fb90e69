package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/rampartsec/rampart/internal/cc"
	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/precise"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/ratelimit"
	"github.com/rampartsec/rampart/internal/waf"
)

// ruleStore is what the data plane's precise-protection, CC and
// known-attack-source rules read from the store.
type ruleStore interface {
	FindCustomRules(ctx context.Context, f waf.RuleFilter) ([]*waf.CustomRule, int, error)
	FindCCRules(ctx context.Context, f waf.RuleFilter) ([]*waf.CCRule, int, error)
	FindPunishmentRules(ctx context.Context, f waf.RuleFilter) ([]*waf.PunishmentRule, int, error)
	FindValueList(ctx context.Context, projectID, id string) (*waf.ValueList, error)
}

// policyRules gives the data plane each policy's precise-protection rules
// (while options.custom is on), CC rules (while options.cc is on) and
// known-attack-source rules (while options.followed_action, Huawei's
// switch of that module, is on), compiled at every host-table rebuild. The CC
// counters live in one table for the life of the process, so that a
// rebuild keeps the counts of every rule it did not change.
type policyRules struct {
	store    ruleStore
	counters *ratelimit.Table
	log      *slog.Logger
}

// newPolicyRules makes the rule source with a CC counter table of
// maxKeys keys.
func newPolicyRules(store ruleStore, maxKeys int, log *slog.Logger) (*policyRules, error) {
	t, err := ratelimit.New(maxKeys)
	if err != nil {
		return nil, fmt.Errorf("CC counters: %w", err)
	}
	return &policyRules{store: store, counters: t, log: log}, nil
}

// PolicyRules implements proxy.PolicyRulesSource. A rule that does not
// compile is logged and left out; the others are enforced. A policy
// without any rule in force gets none.
func (s *policyRules) PolicyRules(ctx context.Context, pol *waf.Policy) (proxy.PolicyRules, error) {
	all := waf.RuleFilter{ProjectID: pol.ProjectID, PolicyIDs: []string{pol.ID}, Page: waf.Page{Limit: -1}}
	out := &compiledRules{}
	lists := map[string]*waf.ValueList{}
	if pol.Options["custom"] {
		rules, _, err := s.store.FindCustomRules(ctx, all)
		if err != nil {
			return nil, fmt.Errorf("precise-protection rules: %w", err)
		}
		if err := s.loadLists(ctx, pol.ProjectID, lists, customConditions(rules)); err != nil {
			return nil, err
		}
		set, errs := precise.Compile(rules, lists)
		s.logSkipped(pol, "precise-protection", errs)
		out.precise = set // nil when no rule is in force
	}
	if pol.Options["cc"] {
		rules, _, err := s.store.FindCCRules(ctx, all)
		if err != nil {
			return nil, fmt.Errorf("CC rules: %w", err)
		}
		if err := s.loadLists(ctx, pol.ProjectID, lists, ccConditions(rules)); err != nil {
			return nil, err
		}
		compileConds := func(conds []waf.CustomCondition) (cc.Matcher, error) { return condition.Compile(conds, lists) }
		set, errs := cc.Compile(rules, s.counters, compileConds)
		s.logSkipped(pol, "CC", errs)
		if set.Len() > 0 {
			out.cc = set
		}
	}
	if pol.Options["followed_action"] {
		punish, _, err := s.store.FindPunishmentRules(ctx, all)
		if err != nil {
			return nil, fmt.Errorf("known-attack-source rules: %w", err)
		}
		if len(punish) > 0 {
			out.punishments = make(map[string]waf.PunishmentRule, len(punish))
			for _, r := range punish {
				out.punishments[r.ID] = *r
			}
		}
	}
	if out.precise == nil && out.cc == nil && out.punishments == nil {
		return nil, nil
	}
	return out, nil
}

// loadLists reads the reference tables the conditions name that are not in
// lists yet. A table that no longer exists is left out: the rule naming it
// then fails to compile and is logged.
func (s *policyRules) loadLists(ctx context.Context, projectID string, lists map[string]*waf.ValueList, conds [][]waf.CustomCondition) error {
	for _, cs := range conds {
		for _, c := range cs {
			if c.ValueListID == "" {
				continue
			}
			if _, done := lists[c.ValueListID]; done {
				continue
			}
			l, err := s.store.FindValueList(ctx, projectID, c.ValueListID)
			if rampart.ErrorKind(err) == rampart.KindNotFound {
				continue
			}
			if err != nil {
				return fmt.Errorf("reference table %s: %w", c.ValueListID, err)
			}
			lists[c.ValueListID] = l
		}
	}
	return nil
}

func (s *policyRules) logSkipped(pol *waf.Policy, module string, errs []error) {
	for _, err := range errs {
		s.log.Warn("proxy: "+module+" rule not compiled; not enforced", "project_id", pol.ProjectID, "policy_id", pol.ID, "err", err)
	}
}

func customConditions(rules []*waf.CustomRule) [][]waf.CustomCondition {
	out := make([][]waf.CustomCondition, len(rules))
	for i, r := range rules {
		out[i] = r.Conditions
	}
	return out
}

func ccConditions(rules []*waf.CCRule) [][]waf.CustomCondition {
	out := make([][]waf.CustomCondition, len(rules))
	for i, r := range rules {
		out[i] = r.Conditions
	}
	return out
}

// compiledRules is one policy's compiled rules; a nil module matches
// nothing.
type compiledRules struct {
	precise     *precise.Set
	cc          *cc.Set
	punishments map[string]waf.PunishmentRule
}

// Precise implements proxy.PolicyRules.
func (c *compiledRules) Precise(req *inspect.Request, now time.Time) proxy.PreciseResult {
	if c.precise == nil {
		return proxy.PreciseResult{}
	}
	r := c.precise.Match(req, now)
	return proxy.PreciseResult{Decided: proxy.PreciseHit(r.Decided), Logged: proxy.PreciseHit(r.Logged)}
}

// CC implements proxy.PolicyRules.
func (c *compiledRules) CC(req *inspect.Request, now time.Time) (proxy.CCVerdict, bool) {
	if c.cc == nil {
		return proxy.CCVerdict{}, false
	}
	v, ok := c.cc.Check(req, now)
	if !ok {
		return proxy.CCVerdict{}, false
	}
	return proxy.CCVerdict{RuleID: v.RuleID, Action: v.Action, Key: v.Key, Response: v.Response}, true
}

// Punishment implements proxy.PolicyRules.
func (c *compiledRules) Punishment(ruleID string) (waf.PunishmentRule, bool) {
	r, ok := c.punishments[ruleID]
	return r, ok
}
