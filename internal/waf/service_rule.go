package waf

import (
	"context"
)

// CreateGeoIPRules creates the same geolocation rule in each policy, all
// or none.
func (s *Service) CreateGeoIPRules(ctx context.Context, projectID, ep string, policyIDs []string, c *GeoIPRuleChange) ([]*GeoIPRule, error) {
	if err := checkPolicyIDs(policyIDs); err != nil {
		return nil, err
	}
	var tmpl GeoIPRule
	tmpl.Status = 1
	if err := c.apply(&tmpl, true); err != nil {
		return nil, err
	}
	now := s.clock()
	rules := make([]*GeoIPRule, len(policyIDs))
	for i, pid := range policyIDs {
		r := tmpl
		r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt = NewID(), projectID, pid, ep, now
		rules[i] = &r
	}
	if err := s.store.CreateGeoIPRules(ctx, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// FindGeoIPRule returns a geolocation rule.
func (s *Service) FindGeoIPRule(ctx context.Context, projectID, policyID, id string) (*GeoIPRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindGeoIPRule(ctx, projectID, policyID, id)
}

// FindGeoIPRules lists geolocation rules. With one policy the policy must
// exist.
func (s *Service) FindGeoIPRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*GeoIPRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindGeoIPRules(ctx, f)
}

// UpdateGeoIPRules changes geolocation rules, all or none.
func (s *Service) UpdateGeoIPRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, c *GeoIPRuleChange) ([]*GeoIPRule, error) {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return nil, err
	}
	var probe GeoIPRule
	if err := c.apply(&probe, false); err != nil { // validate before touching the store
		return nil, err
	}
	return s.store.UpdateGeoIPRules(ctx, projectID, ids, func(r *GeoIPRule) error { return c.apply(r, false) })
}

// DeleteGeoIPRule deletes a geolocation rule and returns it.
func (s *Service) DeleteGeoIPRule(ctx context.Context, projectID, policyID, id string) (*GeoIPRule, error) {
	r, err := s.FindGeoIPRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RuleGeoIP, []PolicyRuleIDs{{policyID, []string{id}}})
}

// CreateReputationRules creates the same IP-reputation rule in each policy.
func (s *Service) CreateReputationRules(ctx context.Context, projectID, ep string, policyIDs []string, c *ReputationRuleChange) ([]*ReputationRule, error) {
	if err := checkPolicyIDs(policyIDs); err != nil {
		return nil, err
	}
	var tmpl ReputationRule
	tmpl.Status = 1
	if err := c.apply(&tmpl, true); err != nil {
		return nil, err
	}
	now := s.clock()
	rules := make([]*ReputationRule, len(policyIDs))
	for i, pid := range policyIDs {
		r := tmpl
		r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt = NewID(), projectID, pid, ep, now
		rules[i] = &r
	}
	if err := s.store.CreateReputationRules(ctx, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// FindReputationRule returns an IP-reputation rule.
func (s *Service) FindReputationRule(ctx context.Context, projectID, policyID, id string) (*ReputationRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindReputationRule(ctx, projectID, policyID, id)
}

// FindReputationRules lists IP-reputation rules.
func (s *Service) FindReputationRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*ReputationRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindReputationRules(ctx, f)
}

// UpdateReputationRules changes IP-reputation rules, all or none.
func (s *Service) UpdateReputationRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, c *ReputationRuleChange) ([]*ReputationRule, error) {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return nil, err
	}
	var probe ReputationRule
	if err := c.apply(&probe, false); err != nil {
		return nil, err
	}
	return s.store.UpdateReputationRules(ctx, projectID, ids, func(r *ReputationRule) error { return c.apply(r, false) })
}

// DeleteReputationRule deletes an IP-reputation rule and returns it.
func (s *Service) DeleteReputationRule(ctx context.Context, projectID, policyID, id string) (*ReputationRule, error) {
	r, err := s.FindReputationRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RuleReputation, []PolicyRuleIDs{{policyID, []string{id}}})
}

// CreateWhiteBlackIPRules creates the same black/white IP rule in each
// policy.
func (s *Service) CreateWhiteBlackIPRules(ctx context.Context, projectID, ep string, policyIDs []string, in *WhiteBlackIPInput) ([]*WhiteBlackIPRule, error) {
	if err := checkPolicyIDs(policyIDs); err != nil {
		return nil, err
	}
	tmpl := WhiteBlackIPRule{Status: 1}
	if err := in.apply(&tmpl); err != nil {
		return nil, err
	}
	now := s.clock()
	rules := make([]*WhiteBlackIPRule, len(policyIDs))
	for i, pid := range policyIDs {
		r := tmpl
		r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt = NewID(), projectID, pid, ep, now
		rules[i] = &r
	}
	if err := s.store.CreateWhiteBlackIPRules(ctx, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// FindWhiteBlackIPRule returns a black/white IP rule.
func (s *Service) FindWhiteBlackIPRule(ctx context.Context, projectID, policyID, id string) (*WhiteBlackIPRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindWhiteBlackIPRule(ctx, projectID, policyID, id)
}

// FindWhiteBlackIPRules lists black/white IP rules.
func (s *Service) FindWhiteBlackIPRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*WhiteBlackIPRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindWhiteBlackIPRules(ctx, f)
}

// UpdateWhiteBlackIPRules replaces the settings of black/white IP rules,
// all or none.
func (s *Service) UpdateWhiteBlackIPRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, in *WhiteBlackIPInput) ([]*WhiteBlackIPRule, error) {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return nil, err
	}
	var probe WhiteBlackIPRule
	if err := in.apply(&probe); err != nil {
		return nil, err
	}
	return s.store.UpdateWhiteBlackIPRules(ctx, projectID, ids, in.apply)
}

// DeleteWhiteBlackIPRule deletes a black/white IP rule and returns it.
func (s *Service) DeleteWhiteBlackIPRule(ctx context.Context, projectID, policyID, id string) (*WhiteBlackIPRule, error) {
	r, err := s.FindWhiteBlackIPRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RuleWhiteBlackIP, []PolicyRuleIDs{{policyID, []string{id}}})
}

// DeleteRules deletes rules of one type, all or none. A rule named more
// than once is deleted once.
func (s *Service) DeleteRules(ctx context.Context, projectID string, t RuleType, ids []PolicyRuleIDs) error {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return err
	}
	return s.store.DeleteRules(ctx, projectID, t, uniqueRuleIDs(ids))
}

// uniqueRuleIDs returns ids without repeated (policy, rule) pairs.
func uniqueRuleIDs(ids []PolicyRuleIDs) []PolicyRuleIDs {
	type key struct{ policy, rule string }
	seen := map[key]bool{}
	out := make([]PolicyRuleIDs, 0, len(ids))
	for _, pr := range ids {
		u := PolicyRuleIDs{PolicyID: pr.PolicyID}
		for _, id := range pr.RuleIDs {
			if k := (key{pr.PolicyID, id}); !seen[k] {
				seen[k] = true
				u.RuleIDs = append(u.RuleIDs, id)
			}
		}
		if len(u.RuleIDs) > 0 {
			out = append(out, u)
		}
	}
	return out
}

// SetRuleStatus enables (1) or disables (0) a rule.
func (s *Service) SetRuleStatus(ctx context.Context, projectID string, t RuleType, policyID, ruleID string, status *int) (*RuleStatus, error) {
	if err := checkRuleRef(policyID, ruleID); err != nil {
		return nil, err
	}
	if status == nil {
		return nil, invalid(CodeRuleStatus, "status", "status is mandatory.")
	}
	if err := checkStatus("status", *status); err != nil {
		return nil, err
	}
	ids := []PolicyRuleIDs{{policyID, []string{ruleID}}}
	set := func(p *int) error { *p = *status; return nil }
	switch t {
	case RuleCC:
		rs, err := s.store.UpdateCCRules(ctx, projectID, ids, func(r *CCRule) error { return set(&r.Status) })
		if err != nil {
			return nil, err
		}
		r := rs[0]
		return &RuleStatus{r.ID, r.PolicyID, r.Description, r.Status, r.CreatedAt}, nil
	case RuleCustom:
		rs, err := s.store.UpdateCustomRules(ctx, projectID, ids, func(r *CustomRule) error { return set(&r.Status) })
		if err != nil {
			return nil, err
		}
		r := rs[0]
		return &RuleStatus{r.ID, r.PolicyID, r.Description, r.Status, r.CreatedAt}, nil
	case RuleGeoIP:
		rs, err := s.store.UpdateGeoIPRules(ctx, projectID, ids, func(r *GeoIPRule) error { return set(&r.Status) })
		if err != nil {
			return nil, err
		}
		r := rs[0]
		return &RuleStatus{r.ID, r.PolicyID, r.Description, r.Status, r.CreatedAt}, nil
	case RuleIgnore:
		rs, err := s.store.UpdateIgnoreRules(ctx, projectID, ids, func(r *IgnoreRule) error { return set(&r.Status) })
		if err != nil {
			return nil, err
		}
		r := rs[0]
		return &RuleStatus{r.ID, r.PolicyID, r.Description, r.Status, r.CreatedAt}, nil
	case RuleReputation:
		rs, err := s.store.UpdateReputationRules(ctx, projectID, ids, func(r *ReputationRule) error { return set(&r.Status) })
		if err != nil {
			return nil, err
		}
		r := rs[0]
		return &RuleStatus{r.ID, r.PolicyID, r.Description, r.Status, r.CreatedAt}, nil
	default:
		rs, err := s.store.UpdateWhiteBlackIPRules(ctx, projectID, ids, func(r *WhiteBlackIPRule) error { return set(&r.Status) })
		if err != nil {
			return nil, err
		}
		r := rs[0]
		return &RuleStatus{r.ID, r.PolicyID, r.Description, r.Status, r.CreatedAt}, nil
	}
}
