package waf

import (
	"context"
	"strconv"

	"github.com/rampartsec/rampart/internal/rampart"
)

// checkValueLists checks the reference tables the conditions name: each
// must be a table of the caller's project (else 400 naming the condition,
// as for any other bad field) whose type is the condition's category (an
// ipv6 condition takes an ip table).
func (s *Service) checkValueLists(ctx context.Context, projectID string, conditions []CustomCondition) error {
	for i, c := range conditions {
		if c.ValueListID == "" {
			continue
		}
		field := "conditions[" + strconv.Itoa(i) + "].value_list_id"
		if err := CheckID(field, c.ValueListID); err != nil {
			return err
		}
		l, err := s.store.FindValueList(ctx, projectID, c.ValueListID)
		if rampart.ErrorKind(err) == rampart.KindNotFound {
			return invalid(CodeBody, field, "value_list_id %s is not a reference table of the project.", c.ValueListID)
		}
		if err != nil {
			return err
		}
		want := c.Category
		if want == "ipv6" {
			want = "ip"
		}
		if l.Type != want {
			return invalid(CodeBody, field, "reference table %s holds %s values; a %s condition needs a %s table.",
				c.ValueListID, l.Type, c.Category, want)
		}
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
	if err := s.checkValueLists(ctx, projectID, in.Conditions); err != nil {
		return nil, err
	}
	if err := s.checkFollowedActions(ctx, projectID, policyIDs, tmpl.Action.FollowedActionID); err != nil {
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
	if err := s.checkValueLists(ctx, projectID, in.Conditions); err != nil {
		return nil, err
	}
	if in.Action != nil && in.Action.FollowedActionID != "" {
		policies := make([]string, len(ids))
		for i, pr := range ids {
			policies[i] = pr.PolicyID
		}
		if err := s.checkFollowedActions(ctx, projectID, policies, in.Action.FollowedActionID); err != nil {
			return nil, err
		}
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
