package proxy

import (
	"context"
	"fmt"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// webProtection is the basic web protection of a route: the inspector
// compiled from its policy (shared by every policy with the same
// settings), whether a detection is blocked (action.category block) or
// only recorded (log), and the policy's false-alarm masks.
type webProtection struct {
	inspector *inspect.Inspector
	block     bool
	masker    Masker // nil: nothing masked
}

// policyProtection is what a route enforces of its policy after the
// address decision: basic web protection, the precise-protection, CC and
// known-attack-source rules, and the policy settings that order them.
type policyProtection struct {
	web   *webProtection // nil: no basic web protection
	rules PolicyRules    // nil: no precise-protection, CC or known-attack-source rules
	// fullDetection is the policy's full_detection: a precise-protection
	// block is answered only after CC and basic web protection ran.
	fullDetection bool
	// followedActionID is the known-attack-source rule a basic web
	// protection block names (action.followed_action_id; "": none).
	followedActionID string
}

// loadPolicies reads the policy of every protected host and compiles what
// the data plane enforces of it, keyed by project and policy ID: its basic
// web protection (none with webattack off) and its PolicyRules (from
// Deps.Rules, whatever the webattack switch). A policy that no longer
// exists gets nothing. Any other read error fails the refresh, so the
// table in force stays.
func (p *Proxy) loadPolicies(ctx context.Context, hosts []*waf.Host) (map[string]*policyProtection, error) {
	out := map[string]*policyProtection{}
	if p.deps.Policies == nil {
		return out, nil
	}
	for _, h := range hosts {
		key := h.ProjectID + "/" + h.PolicyID
		if h.ProtectStatus != 1 || h.PolicyID == "" {
			continue
		}
		if _, done := out[key]; done {
			continue
		}
		out[key] = nil
		pol, err := p.deps.Policies.FindPolicy(ctx, h.ProjectID, h.PolicyID)
		if rampart.ErrorKind(err) == rampart.KindNotFound {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", h.PolicyID, err)
		}
		pp := &policyProtection{fullDetection: pol.FullDetection, followedActionID: pol.FollowedActionID}
		if pp.web, err = p.loadWebProtection(ctx, pol); err != nil {
			return nil, err
		}
		if p.deps.Rules != nil {
			if pp.rules, err = p.deps.Rules.PolicyRules(ctx, pol); err != nil {
				return nil, fmt.Errorf("rules of policy %s: %w", h.PolicyID, err)
			}
		}
		if pp.web != nil || pp.rules != nil {
			out[key] = pp
		}
	}
	return out, nil
}

// loadWebProtection compiles the basic web protection of a policy; nil
// when webattack is off or its settings do not compile (logged).
func (p *Proxy) loadWebProtection(ctx context.Context, pol *waf.Policy) (*webProtection, error) {
	cfg := pol.WebProtection()
	if !cfg.Enabled {
		return nil, nil
	}
	in, err := p.inspectors.Get(cfg)
	if err != nil {
		p.log.Warn("proxy: policy's basic web protection not compiled; not inspected", "project_id", pol.ProjectID, "policy_id", pol.ID, "err", err)
		return nil, nil
	}
	wp := &webProtection{inspector: in, block: pol.Action == "block"}
	if p.deps.Maskers != nil {
		m, err := p.deps.Maskers.Masker(ctx, pol)
		if err != nil {
			return nil, fmt.Errorf("false-alarm masks of policy %s: %w", pol.ID, err)
		}
		wp.masker = m
	}
	return wp, nil
}

// check inspects a request view and returns the verdict to act on: the
// zero Verdict when the request is clean or its detection is a false
// alarm the policy masks. It knows nothing of net/http, so that any
// forwarding path can use it.
func (wp *webProtection) check(host string, req *inspect.Request) inspect.Verdict {
	v := wp.inspector.Inspect(req)
	if !v.Detected() || wp.masker == nil {
		return v
	}
	if _, masked := wp.masker.Masks(host, req, v); masked {
		return inspect.Verdict{}
	}
	return v
}
