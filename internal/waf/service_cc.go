package waf

import "context"

// CreateCCRules creates the same CC rule in each policy, all or none.
func (s *Service) CreateCCRules(ctx context.Context, projectID, ep string, policyIDs []string, in *CCRuleInput) ([]*CCRule, error) {
	if err := checkPolicyIDs(policyIDs); err != nil {
		return nil, err
	}
	tmpl := CCRule{Status: 1}
	if err := in.apply(&tmpl); err != nil {
		return nil, err
	}
	if err := s.checkValueLists(ctx, projectID, in.Conditions); err != nil {
		return nil, err
	}
	now := s.clock()
	rules := make([]*CCRule, len(policyIDs))
	for i, pid := range policyIDs {
		r := tmpl.clone()
		r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt = NewID(), projectID, pid, ep, now
		rules[i] = r
	}
	if err := s.store.CreateCCRules(ctx, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// FindCCRule returns a CC rule.
func (s *Service) FindCCRule(ctx context.Context, projectID, policyID, id string) (*CCRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindCCRule(ctx, projectID, policyID, id)
}

// FindCCRules lists CC rules. With one policy the policy must exist.
func (s *Service) FindCCRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*CCRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindCCRules(ctx, f)
}

// UpdateCCRules replaces CC rules (all but their creation time and
// status), all or none.
func (s *Service) UpdateCCRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, in *CCRuleInput) ([]*CCRule, error) {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return nil, err
	}
	var probe CCRule
	if err := in.apply(&probe); err != nil { // validate before touching the store
		return nil, err
	}
	if err := s.checkValueLists(ctx, projectID, in.Conditions); err != nil {
		return nil, err
	}
	return s.store.UpdateCCRules(ctx, projectID, uniqueRuleIDs(ids), in.apply)
}

// DeleteCCRule deletes a CC rule and returns it.
func (s *Service) DeleteCCRule(ctx context.Context, projectID, policyID, id string) (*CCRule, error) {
	r, err := s.FindCCRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RuleCC, []PolicyRuleIDs{{policyID, []string{id}}})
}
