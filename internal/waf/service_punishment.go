package waf

import (
	"context"

	"github.com/rampartsec/rampart/internal/rampart"
)

// CreatePunishmentRule creates a known-attack-source rule in a policy; a
// policy holds at most one rule of each category.
func (s *Service) CreatePunishmentRule(ctx context.Context, projectID, ep, policyID string, in *PunishmentRuleInput) (*PunishmentRule, error) {
	if err := CheckID("policy_id", policyID); err != nil {
		return nil, err
	}
	r := &PunishmentRule{}
	if err := in.apply(r); err != nil {
		return nil, err
	}
	r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.CreatedAt = NewID(), projectID, policyID, ep, s.clock()
	if err := s.store.CreatePunishmentRule(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// FindPunishmentRule returns a known-attack-source rule.
func (s *Service) FindPunishmentRule(ctx context.Context, projectID, policyID, id string) (*PunishmentRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	return s.store.FindPunishmentRule(ctx, projectID, policyID, id)
}

// FindPunishmentRules lists known-attack-source rules. With one policy the
// policy must exist.
func (s *Service) FindPunishmentRules(ctx context.Context, f RuleFilter, mustExist bool) ([]*PunishmentRule, int, error) {
	if err := s.checkPolicies(ctx, f, mustExist); err != nil {
		return nil, 0, err
	}
	return s.store.FindPunishmentRules(ctx, f)
}

// UpdatePunishmentRule replaces the block time, time unit and description
// of a known-attack-source rule; its category cannot change.
func (s *Service) UpdatePunishmentRule(ctx context.Context, projectID, policyID, id string, in *PunishmentRuleInput) (*PunishmentRule, error) {
	if err := checkRuleRef(policyID, id); err != nil {
		return nil, err
	}
	if in.Category != nil && *in.Category != "" && !punishmentCategories[*in.Category] {
		return nil, invalid(CodeBody, "category", "category %q is not a known-attack-source category.", *in.Category)
	}
	return s.store.UpdatePunishmentRule(ctx, projectID, policyID, id, in.apply)
}

// DeletePunishmentRule deletes a known-attack-source rule and returns it.
// KindInUse while a precise-protection rule or the policy names it
// (followed_action_id).
func (s *Service) DeletePunishmentRule(ctx context.Context, projectID, policyID, id string) (*PunishmentRule, error) {
	r, err := s.FindPunishmentRule(ctx, projectID, policyID, id)
	if err != nil {
		return nil, err
	}
	return r, s.store.DeleteRules(ctx, projectID, RulePunishment, []PolicyRuleIDs{{policyID, []string{id}}})
}

// checkFollowedAction checks that a followed_action_id, when set, names a
// known-attack-source rule of the policy: else 400 WAF.00021014
// (action.illegal), the code of the field's other errors.
func (s *Service) checkFollowedAction(ctx context.Context, projectID, policyID, id string) error {
	if id == "" {
		return nil
	}
	const field = "action.followed_action_id"
	if err := CheckID(field, id); err != nil {
		return err
	}
	_, err := s.store.FindPunishmentRule(ctx, projectID, policyID, id)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		if _, err := s.store.FindPolicy(ctx, projectID, policyID); err != nil {
			return err // an unknown policy is a 404, as without followed_action_id
		}
		return invalid(CodeAction, field, "followed_action_id %s is not a known-attack-source rule of policy %s.", id, policyID)
	}
	return err
}

// checkFollowedActions is checkFollowedAction for every policy of a batch.
func (s *Service) checkFollowedActions(ctx context.Context, projectID string, policyIDs []string, id string) error {
	seen := map[string]bool{}
	for _, pid := range policyIDs {
		if seen[pid] {
			continue
		}
		seen[pid] = true
		if err := s.checkFollowedAction(ctx, projectID, pid, id); err != nil {
			return err
		}
	}
	return nil
}
