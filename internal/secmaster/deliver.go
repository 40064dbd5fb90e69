package secmaster

import (
	"context"
	"fmt"
	"strings"
)

// Deliverer delivers one entry of a policy to its defense layer. It returns
// the enforcement rows the layer must hold for the entry, or an error whose
// message becomes the entry's defense_failure_description. It must not
// write anything itself: the worker stores the rows together with the
// entry's status in one transaction.
type Deliverer interface {
	Deliver(ctx context.Context, p *Policy, e *DefenseEntry) ([]Enforcement, error)
}

// DelivererFunc adapts a function to Deliverer.
type DelivererFunc func(ctx context.Context, p *Policy, e *DefenseEntry) ([]Enforcement, error)

// Deliver implements Deliverer.
func (f DelivererFunc) Deliver(ctx context.Context, p *Policy, e *DefenseEntry) ([]Enforcement, error) {
	return f(ctx, p, e)
}

// LocalDeliverer is the in-process delivery to Rampart's own enforcement
// sets. What each layer can enforce:
//
//	WAF: Source Ip, BLOCK or WHITE (every protected host of the target
//	     project), no /0 prefix (as the WAF's own black/white IP rules)
//	CFW: Source Ip or Domain Name, BLOCK or WHITE (the network-firewall feed)
//	VPC: Source Ip, BLOCK or WHITE (the firewall feed, security-group layer)
//	IAM: User Name, BLOCK only (tokens and access keys of that user)
type LocalDeliverer struct{}

// Deliver implements Deliverer.
func (LocalDeliverer) Deliver(_ context.Context, p *Policy, e *DefenseEntry) ([]Enforcement, error) {
	if err := CanEnforce(e.DefenseType, p.Type, p.Category); err != nil {
		return nil, err
	}
	if e.DefenseType == LayerWAF {
		for _, t := range p.Targets() {
			if strings.HasSuffix(t, "/0") {
				return nil, fmt.Errorf("the WAF layer does not accept the prefix %s: it would cover every address", t)
			}
		}
	}
	return Enforcements(p, e), nil
}

// CanEnforce reports whether a layer can enforce a policy type and category.
func CanEnforce(layer, policyType, category string) error {
	switch layer {
	case LayerWAF, LayerVPC:
		if policyType != TypeSourceIP {
			return fmt.Errorf("the %s layer enforces only Source Ip policies, not %s", layer, policyType)
		}
	case LayerCFW:
		if policyType != TypeSourceIP && policyType != TypeDomainName {
			return fmt.Errorf("the CFW layer enforces only Source Ip and Domain Name policies, not %s", policyType)
		}
	case LayerIAM:
		if policyType != TypeUserName {
			return fmt.Errorf("the IAM layer enforces only User Name policies, not %s", policyType)
		}
		if category != CategoryBlock {
			return fmt.Errorf("the IAM layer can only block users, not allow-list them (%s)", category)
		}
	default:
		return fmt.Errorf("the operation connection does not support the defense type %q", layer)
	}
	return nil
}

// Enforcements returns the rows entry e of p puts in its layer: one per
// object of the policy.
func Enforcements(p *Policy, e *DefenseEntry) []Enforcement {
	targets := p.Targets()
	out := make([]Enforcement, len(targets))
	for i, t := range targets {
		out[i] = Enforcement{
			DefenseID: e.ID, PolicyID: p.ID, ProjectID: p.ProjectID, TargetProjectID: e.TargetProjectID,
			Layer: e.DefenseType, Category: p.Category, ObjectType: p.Type, Object: t, ExpiresAt: p.AgeingAt,
		}
	}
	return out
}
