package waf

import (
	"context"
	"time"
)

// Service applies the WAF business rules over a Store. It is safe for
// concurrent use; atomicity comes from the Store's transactions.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a service over store; now defaults to time.Now.
func NewService(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// maxBatch bounds the policies or rules one batch call may address.
const maxBatch = 1000

func checkPolicyIDs(ids []string) error {
	if len(ids) == 0 {
		return invalid(CodeBody, "policy_ids", "policy_ids is mandatory.")
	}
	if len(ids) > maxBatch {
		return invalid(CodeExceedLimit, "policy_ids", "policy_ids names more than %d policies.", maxBatch)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if err := CheckID("policy_ids", id); err != nil {
			return err
		}
		if seen[id] {
			return invalid(CodeBody, "policy_ids", "policy %s is named twice.", id)
		}
		seen[id] = true
	}
	return nil
}

func checkRuleRef(policyID, ruleID string) error {
	if err := CheckID("policy_id", policyID); err != nil {
		return err
	}
	return CheckID("rule_id", ruleID)
}

func (s *Service) checkPolicies(ctx context.Context, f RuleFilter, mustExist bool) error {
	for _, id := range f.PolicyIDs {
		if err := CheckID("policy_id", id); err != nil {
			return err
		}
	}
	if mustExist && len(f.PolicyIDs) == 1 {
		_, err := s.store.FindPolicy(ctx, f.ProjectID, f.PolicyIDs[0])
		return err
	}
	return nil
}
