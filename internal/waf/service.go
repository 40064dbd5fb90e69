package waf

import (
	"context"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
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

// DeleteRules deletes rules of one type, all or none.
func (s *Service) DeleteRules(ctx context.Context, projectID string, t RuleType, ids []PolicyRuleIDs) error {
	if err := checkPolicyRuleIDs(ids); err != nil {
		return err
	}
	return s.store.DeleteRules(ctx, projectID, t, ids)
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
	case RuleGeoIP:
		rs, err := s.store.UpdateGeoIPRules(ctx, projectID, ids, func(r *GeoIPRule) error { return set(&r.Status) })
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

// CreateIPGroup creates an IP address group.
func (s *Service) CreateIPGroup(ctx context.Context, projectID, ep string, in *IPGroupInput) (*IPGroup, error) {
	g := &IPGroup{ID: NewID(), ProjectID: projectID, EnterpriseProjectID: ep, CreatedAt: s.clock()}
	if err := applyIPGroup(g, in, "", true); err != nil {
		return nil, err
	}
	if err := s.store.CreateIPGroup(ctx, g); err != nil {
		return nil, groupNameTaken(err, g.Name)
	}
	g.Rules = []RuleRef{}
	return g, nil
}

func groupNameTaken(err error, name string) error {
	if rampart.ErrorKind(err) == rampart.KindConflict {
		return &rampart.Error{Kind: rampart.KindConflict, Code: CodeNameDuplicate, Field: "name",
			Message: "An IP address group named " + name + " already exists."}
	}
	return err
}

// FindIPGroup returns an IP address group.
func (s *Service) FindIPGroup(ctx context.Context, projectID, id string) (*IPGroup, error) {
	if err := CheckID("id", id); err != nil {
		return nil, err
	}
	return s.store.FindIPGroup(ctx, projectID, id)
}

// FindIPGroups lists IP address groups.
func (s *Service) FindIPGroups(ctx context.Context, f IPGroupFilter) ([]*IPGroup, int, error) {
	return s.store.FindIPGroups(ctx, f)
}

// UpdateIPGroup changes an IP address group; action is add, delete or
// update (the default).
func (s *Service) UpdateIPGroup(ctx context.Context, projectID, id, action string, in *IPGroupInput) (*IPGroup, error) {
	if err := CheckID("id", id); err != nil {
		return nil, err
	}
	if action != "" && action != "add" && action != "delete" && action != "update" {
		return nil, invalid(CodeURLParam, "action", "action must be add, delete or update, not %q.", action)
	}
	g, err := s.store.UpdateIPGroup(ctx, projectID, id, func(g *IPGroup) error { return applyIPGroup(g, in, action, false) })
	if err != nil && in.Name != nil {
		return nil, groupNameTaken(err, *in.Name)
	}
	return g, err
}

// DeleteIPGroup deletes an unused IP address group.
func (s *Service) DeleteIPGroup(ctx context.Context, projectID, id string) (*IPGroup, error) {
	if err := CheckID("id", id); err != nil {
		return nil, err
	}
	return s.store.DeleteIPGroup(ctx, projectID, id)
}

// CreateHost creates a protected host. Without a policyid a new policy is
// created for it, as Huawei does.
func (s *Service) CreateHost(ctx context.Context, projectID, ep string, in *HostInput) (*Host, error) {
	now := s.clock()
	h := &Host{ID: NewID(), ProjectID: projectID, EnterpriseProjectID: ep, LBAlgorithm: "round_robin",
		ProtectStatus: 1, AccessStatus: 0, AccessCode: NewID()[:14], PaidType: "prePaid",
		ForwardHeaderMap: map[string]string{}, Extra: map[string]any{}, CreatedAt: now}
	if err := in.apply(h, true); err != nil {
		return nil, err
	}
	var np *Policy
	if in.PolicyID != nil && *in.PolicyID != "" {
		if err := CheckID("policyid", *in.PolicyID); err != nil {
			return nil, err
		}
		h.PolicyID = *in.PolicyID
	} else {
		np = newPolicy(projectID, ep, "policy_"+NewID()[:8], now)
		h.PolicyID = np.ID
	}
	if err := s.store.CreateHost(ctx, h, np); err != nil {
		if rampart.ErrorKind(err) == rampart.KindConflict {
			return nil, &rampart.Error{Kind: rampart.KindConflict, Code: CodeHostConflict, Field: "hostname",
				Message: "The host " + h.Hostname + " is already protected in this project."}
		}
		return nil, err
	}
	return h, nil
}

// FindHost returns a host.
func (s *Service) FindHost(ctx context.Context, projectID, id string) (*Host, error) {
	if err := CheckID("instance_id", id); err != nil {
		return nil, err
	}
	return s.store.FindHost(ctx, projectID, id)
}

// FindHosts lists hosts.
func (s *Service) FindHosts(ctx context.Context, f HostFilter) ([]*Host, int, error) {
	return s.store.FindHosts(ctx, f)
}

// UpdateHost applies a PATCH to a host.
func (s *Service) UpdateHost(ctx context.Context, projectID, id string, in *HostInput) (*Host, error) {
	if err := CheckID("instance_id", id); err != nil {
		return nil, err
	}
	if in.Hostname != nil {
		return nil, invalid(CodeHost, "hostname", "hostname cannot be changed.")
	}
	if in.PolicyID != nil && *in.PolicyID != "" {
		if err := CheckID("policyid", *in.PolicyID); err != nil {
			return nil, err
		}
	}
	return s.store.UpdateHost(ctx, projectID, id, func(h *Host) error {
		if err := in.apply(h, false); err != nil {
			return err
		}
		if in.PolicyID != nil && *in.PolicyID != "" {
			h.PolicyID = *in.PolicyID
		}
		return nil
	})
}

// SetHostProtectStatus sets a host's protect_status: -1 bypass, 0
// suspended, 1 enabled.
func (s *Service) SetHostProtectStatus(ctx context.Context, projectID, id string, status *int) (*Host, error) {
	if err := CheckID("instance_id", id); err != nil {
		return nil, err
	}
	if status == nil {
		return nil, invalid(CodeProtectStatus, "protect_status", "protect_status is mandatory.")
	}
	if *status < -1 || *status > 1 {
		return nil, invalid(CodeProtectStatus, "protect_status", "protect_status must be -1 (bypass), 0 (suspended) or 1 (enabled), not %d.", *status)
	}
	return s.store.UpdateHost(ctx, projectID, id, func(h *Host) error { h.ProtectStatus = *status; return nil })
}

// DeleteHost deletes a host; its policy is kept.
func (s *Service) DeleteHost(ctx context.Context, projectID, id string) (*Host, error) {
	if err := CheckID("instance_id", id); err != nil {
		return nil, err
	}
	return s.store.DeleteHost(ctx, projectID, id)
}
