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

// loadWebProtection reads the policy of every protected host and compiles
// its basic web protection, keyed by project and policy ID. A policy with
// webattack off, or one that no longer exists, gets none. Any other read
// error fails the refresh, so the table in force stays.
func (p *Proxy) loadWebProtection(ctx context.Context, hosts []*waf.Host) (map[string]*webProtection, error) {
	out := map[string]*webProtection{}
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
		cfg := pol.WebProtection()
		if !cfg.Enabled {
			continue
		}
		in, err := p.inspectors.Get(cfg)
		if err != nil {
			p.log.Warn("proxy: policy's basic web protection not compiled; not inspected", "project_id", h.ProjectID, "policy_id", h.PolicyID, "err", err)
			continue
		}
		wp := &webProtection{inspector: in, block: pol.Action == "block"}
		if p.deps.Maskers != nil {
			m, err := p.deps.Maskers.Masker(ctx, pol)
			if err != nil {
				return nil, fmt.Errorf("false-alarm masks of policy %s: %w", h.PolicyID, err)
			}
			wp.masker = m
		}
		out[key] = wp
	}
	return out, nil
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
