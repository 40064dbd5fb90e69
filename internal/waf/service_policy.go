package waf

import (
	"context"
	"github.com/rampartsec/rampart/internal/rampart"
	"strings"
)

// CreatePolicy creates a policy with Huawei's defaults.
func (s *Service) CreatePolicy(ctx context.Context, projectID, ep, name string, logActionReplaced *bool) (*Policy, error) {
	if err := checkPolicyName(name); err != nil {
		return nil, err
	}
	p := newPolicy(projectID, ep, name, s.clock())
	if logActionReplaced != nil {
		p.LogActionReplaced = *logActionReplaced
	}
	if err := s.store.CreatePolicy(ctx, p); err != nil {
		return nil, policyNameTaken(err, name)
	}
	p.Hosts = []BoundHost{}
	return p, nil
}

func policyNameTaken(err error, name string) error {
	if rampart.ErrorKind(err) == rampart.KindConflict {
		return &rampart.Error{Kind: rampart.KindConflict, Code: CodeNameDuplicate, Field: "name",
			Message: "A policy named " + name + " already exists."}
	}
	return err
}

// FindPolicy returns a policy.
func (s *Service) FindPolicy(ctx context.Context, projectID, id string) (*Policy, error) {
	if err := CheckID("policy_id", id); err != nil {
		return nil, err
	}
	return s.store.FindPolicy(ctx, projectID, id)
}

// FindPolicies returns a page of policies and the total.
func (s *Service) FindPolicies(ctx context.Context, f PolicyFilter) ([]*Policy, int, error) {
	return s.store.FindPolicies(ctx, f)
}

// UpdatePolicy applies a PATCH.
func (s *Service) UpdatePolicy(ctx context.Context, projectID, id string, u *PolicyUpdate) (*Policy, error) {
	if err := CheckID("policy_id", id); err != nil {
		return nil, err
	}
	if u.FollowedActionID != nil {
		if err := s.checkFollowedAction(ctx, projectID, id, *u.FollowedActionID); err != nil {
			return nil, err
		}
	}
	p, err := s.store.UpdatePolicy(ctx, projectID, id, u.apply)
	if err != nil && u.Name != nil {
		return nil, policyNameTaken(err, *u.Name)
	}
	return p, err
}

// DeletePolicy deletes a policy and its rules. KindInUse while hosts use it.
func (s *Service) DeletePolicy(ctx context.Context, projectID, id string) (*Policy, error) {
	if err := CheckID("policy_id", id); err != nil {
		return nil, err
	}
	ps, err := s.store.DeletePolicies(ctx, projectID, []string{id})
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// DeletePolicies deletes several policies, all or none.
func (s *Service) DeletePolicies(ctx context.Context, projectID string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, invalid(CodeBody, "policy_ids", "policy_ids is mandatory.")
	}
	if len(ids) > maxBatch {
		return nil, invalid(CodeExceedLimit, "policy_ids", "policy_ids names more than %d policies.", maxBatch)
	}
	seen := map[string]bool{}
	uniq := make([]string, 0, len(ids))
	for _, id := range ids {
		if err := CheckID("policy_ids", id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if _, err := s.store.DeletePolicies(ctx, projectID, uniq); err != nil {
		return nil, err
	}
	return uniq, nil
}

// CopyPolicy copies a policy's settings and rules into a new policy.
func (s *Service) CopyPolicy(ctx context.Context, projectID, ep, srcID, destName string) (*Policy, error) {
	if err := CheckID("src_policy_id", srcID); err != nil {
		return nil, err
	}
	if destName == "" {
		return nil, invalid(CodeURLParam, "dest_policy_name", "dest_policy_name is mandatory.")
	}
	if err := checkPolicyName(destName); err != nil {
		return nil, err
	}
	src, err := s.store.FindPolicy(ctx, projectID, srcID)
	if err != nil {
		return nil, err
	}
	dst := *src
	dst.ID, dst.Name, dst.EnterpriseProjectID, dst.CreatedAt = NewID(), destName, ep, s.clock()
	dst.Hosts = []BoundHost{}
	dst.Options = cloneMap(src.Options)
	dst.ModulexOptions = cloneMap(src.ModulexOptions)
	dst.Extend = cloneMap(src.Extend)
	if err := s.store.CopyPolicy(ctx, projectID, srcID, &dst, NewID); err != nil {
		return nil, policyNameTaken(err, destName)
	}
	return &dst, nil
}

func cloneMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// BindHosts binds hosts (comma-separated IDs, as the hosts query carries
// them) to a policy.
func (s *Service) BindHosts(ctx context.Context, projectID, policyID, hosts string) (*Policy, error) {
	if err := CheckID("policy_id", policyID); err != nil {
		return nil, err
	}
	if hosts == "" {
		return nil, invalid(CodeURLParam, "hosts", "hosts is mandatory.")
	}
	var ids []string
	for _, h := range strings.Split(hosts, ",") {
		h = strings.TrimSpace(h)
		if err := CheckID("hosts", h); err != nil {
			return nil, err
		}
		ids = append(ids, h)
	}
	return s.store.BindHosts(ctx, projectID, policyID, ids)
}
