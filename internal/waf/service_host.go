package waf

import (
	"context"
	"github.com/rampartsec/rampart/internal/rampart"
)

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

// SetHostAccessStatus records whether a host's traffic reaches the WAF: 0
// not connected, 1 connected. It is informational: the data plane does not
// read it.
func (s *Service) SetHostAccessStatus(ctx context.Context, projectID, id string, status *int) (*Host, error) {
	if err := CheckID("instance_id", id); err != nil {
		return nil, err
	}
	if status == nil {
		return nil, invalid(CodeAccessStatus, "access_status", "access_status is mandatory.")
	}
	if *status != 0 && *status != 1 {
		return nil, invalid(CodeAccessStatus, "access_status", "access_status must be 0 (not connected) or 1 (connected), not %d.", *status)
	}
	return s.store.UpdateHost(ctx, projectID, id, func(h *Host) error { h.AccessStatus = *status; return nil })
}

// DeleteHost deletes a host. Unless keepPolicy is set, its policy is
// deleted too when no other host uses it (DeleteHost's keepPolicy=false).
func (s *Service) DeleteHost(ctx context.Context, projectID, id string, keepPolicy bool) (*Host, error) {
	if err := CheckID("instance_id", id); err != nil {
		return nil, err
	}
	h, err := s.store.DeleteHost(ctx, projectID, id)
	if err != nil || keepPolicy {
		return h, err
	}
	if _, err := s.store.DeletePolicies(ctx, projectID, []string{h.PolicyID}); err != nil {
		switch rampart.ErrorKind(err) {
		case rampart.KindInUse, rampart.KindNotFound: // another host uses it, or it is gone already
		default:
			return nil, err
		}
	}
	return h, nil
}
