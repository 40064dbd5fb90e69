package waf

import (
	"context"
)

// checkValueLists checks the reference tables the conditions name.
// Reference tables are not served yet, so any value_list_id is refused;
// once the store can find them, each one is looked up here (an unknown
// table is not found, a table of another type than the condition's
// category is invalid).
func (s *Service) checkValueLists(_ context.Context, _ string, in *CustomRuleInput) error {
	if ids := in.valueListIDs(); len(ids) > 0 {
		return invalid(CodeFeature, "conditions.value_list_id",
			"value_list_id %s: reference tables are not served yet; give contents instead.", ids[0])
	}
	return nil
}

// CreateCustomRules creates the same precise-protection rule in each
// policy, all or none.
func (s *Service) CreateCustomRules(ctx context.Context, projectID, ep string, policyIDs []string, in *CustomRuleInput) ([]*CustomRule, error) {
	if err := checkPolicyIDs(policyIDs); err != nil {
		return nil, err
	}
	tmpl := CustomRule{Status: 1}
	if err := in.apply(&tmpl); err != nil {
		return nil, err
	}
	if err := s.checkValueLists(ctx, projectID, in); err != nil {
		return nil, err
	}
	now := s.clock()
	rules := make([]*CustomRule, len(policyIDs))
	for i, pid := range policyIDs {
		r := tmpl
		r.Conditions = append([]CustomCondition{}, tmpl.Conditions...)
		r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt = NewID(), projectID, pid, ep, now
		rules[i] = &r
	}
	if err := s.store.CreateCustomRules(ctx, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// FindCustomRule returns a precise-protection rule.
func (s *Service) FindCustomRule(ctx context.Context, projectID, policyID, id string) (*CustomRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindCustomRule(ctx, projectID, policyID, id)
}

// FindCustomRules lists precise-protection rules. With one policy the
// policy must exist.
func (s *Service) FindCustomRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*CustomRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindCustomRules(ctx, f)
}

// UpdateCustomRules replaces precise-protection rules (all but their
// creation time, and their status unless in sets it), all or none. A
// partial update (BatchUpdateCustomRules) keeps the fields in lacks.
func (s *Service) UpdateCustomRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, in *CustomRuleInput, partial bool) ([]*CustomRule, error) {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return nil, err
	}
	if !partial {
		var probe CustomRule
		if err := in.apply(&probe); err != nil { // validate before touching the store
			return nil, err
		}
	}
	if err := s.checkValueLists(ctx, projectID, in); err != nil {
		return nil, err
	}
	return s.store.UpdateCustomRules(ctx, projectID, uniqueRuleIDs(ids), func(r *CustomRule) error {
		if partial {
			return in.over(r).apply(r)
		}
		return in.apply(r)
	})
}

// DeleteCustomRule deletes a precise-protection rule and returns it.
func (s *Service) DeleteCustomRule(ctx context.Context, projectID, policyID, id string) (*CustomRule, error) {
	r, err := s.FindCustomRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RuleCustom, []PolicyRuleIDs{{policyID, []string{id}}})
}
