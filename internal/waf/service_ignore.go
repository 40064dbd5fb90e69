package waf

import (
	"context"
)

// CreateIgnoreRules creates the same ignore rule in each policy, all or
// none.
func (s *Service) CreateIgnoreRules(ctx context.Context, projectID, ep string, policyIDs []string, in *IgnoreRuleInput) ([]*IgnoreRule, error) {
	if err := checkPolicyIDs(policyIDs); err != nil {
		return nil, err
	}
	tmpl := IgnoreRule{Status: 1}
	if err := in.apply(&tmpl); err != nil {
		return nil, err
	}
	now := s.clock()
	rules := make([]*IgnoreRule, len(policyIDs))
	for i, pid := range policyIDs {
		r := tmpl
		r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt, r.UpdatedAt = NewID(), projectID, pid, ep, now, now
		rules[i] = &r
	}
	if err := s.store.CreateIgnoreRules(ctx, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// FindIgnoreRule returns an ignore rule.
func (s *Service) FindIgnoreRule(ctx context.Context, projectID, policyID, id string) (*IgnoreRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindIgnoreRule(ctx, projectID, policyID, id)
}

// FindIgnoreRules lists ignore rules. With one policy the policy must
// exist.
func (s *Service) FindIgnoreRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*IgnoreRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindIgnoreRules(ctx, f)
}

// UpdateIgnoreRules replaces ignore rules (all but status, hits and
// creation time), all or none.
func (s *Service) UpdateIgnoreRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, in *IgnoreRuleInput) ([]*IgnoreRule, error) {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return nil, err
	}
	var probe IgnoreRule
	if err := in.apply(&probe); err != nil { // validate before touching the store
		return nil, err
	}
	now := s.clock()
	return s.store.UpdateIgnoreRules(ctx, projectID, uniqueRuleIDs(ids), func(r *IgnoreRule) error {
		r.UpdatedAt = now
		return in.apply(r)
	})
}

// DeleteIgnoreRule deletes an ignore rule and returns it.
func (s *Service) DeleteIgnoreRule(ctx context.Context, projectID, policyID, id string) (*IgnoreRule, error) {
	r, err := s.FindIgnoreRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RuleIgnore, []PolicyRuleIDs{{policyID, []string{id}}})
}

// ResetIgnoreRuleHits sets the hit count of an ignore rule to zero
// (UpdateIgnoreRuleHitNum) and returns the rule.
func (s *Service) ResetIgnoreRuleHits(ctx context.Context, projectID, policyID, id string) (*IgnoreRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	now := s.clock()
	rs, err := s.store.UpdateIgnoreRules(ctx, projectID, []PolicyRuleIDs{{policyID, []string{id}}}, func(r *IgnoreRule) error {
		r.Hits, r.ClearedAt = 0, now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}
