package secmaster

import (
	"context"
	"fmt"

	"github.com/rampartsec/rampart/internal/rampart"
)

// CodeTargetForbidden is the code of a defense entry whose
// target_project_id the caller may not act on (HTTP 403). Huawei documents
// no code for it; this one is Rampart's, and deliberately not
// CodeWorkspaceNotFound, which Terraform reads as "gone".
const CodeTargetForbidden = "SecMaster.20010005"

// TargetGuard decides whether enforcement may be aimed at a project other
// than the one a policy belongs to. A policy's own project is always a
// valid target and is never asked about.
type TargetGuard interface {
	// AuthorizeTarget reports whether the caller p, acting in
	// ownerProjectID, may aim enforcement at targetProjectID: nil, or a
	// KindForbidden error.
	AuthorizeTarget(ctx context.Context, p *rampart.Principal, ownerProjectID, targetProjectID string) error
	// UserMayTarget is the same question at delivery time, for the user who
	// last wrote the policy (no credential is at hand then).
	UserMayTarget(ctx context.Context, userID, ownerProjectID, targetProjectID string) error
}

// denyForeignTargets is the guard of a Service built without one: only the
// policy's own project may be targeted.
type denyForeignTargets struct{}

func (denyForeignTargets) AuthorizeTarget(context.Context, *rampart.Principal, string, string) error {
	return rampart.Errorf(rampart.KindForbidden, "no target guard is configured")
}

func (denyForeignTargets) UserMayTarget(context.Context, string, string, string) error {
	return rampart.Errorf(rampart.KindForbidden, "no target guard is configured")
}

// targetForbidden is the error for an entry of field whose target the
// caller may not act on. It does not say whether the project exists.
func targetForbidden(field, target string) *rampart.Error {
	return &rampart.Error{Kind: rampart.KindForbidden, Code: CodeTargetForbidden, Field: field,
		Message: fmt.Sprintf("The field %s: the caller may not deliver to project %s. A target project must be the policy's own project or a project of the caller's account that the caller may act on.", field, target)}
}

// authorizeTargets checks, for the caller in ctx, every target of entries
// whose target is not ownerProjectID. field names the entries' list; each
// project is asked about once (allowed holds the projects already checked).
func (s *Service) authorizeTargets(ctx context.Context, ownerProjectID, field string, entries []DefenseEntry, allowed map[string]bool) error {
	for i, d := range entries {
		f := fmt.Sprintf("%s[%d].target_project_id", field, i)
		if err := s.authorizeTarget(ctx, ownerProjectID, f, d.TargetProjectID, allowed); err != nil {
			return err
		}
	}
	return nil
}

// authorizeTarget checks one target named by field for the caller in ctx.
func (s *Service) authorizeTarget(ctx context.Context, ownerProjectID, field, target string, allowed map[string]bool) error {
	if target == ownerProjectID || allowed[target] {
		return nil
	}
	p := rampart.PrincipalFromContext(ctx)
	if p == nil {
		return targetForbidden(field, target)
	}
	if err := s.guard.AuthorizeTarget(ctx, p, ownerProjectID, target); err != nil {
		if rampart.ErrorKind(err) == rampart.KindForbidden {
			return targetForbidden(field, target)
		}
		return err
	}
	allowed[target] = true
	return nil
}

// authorizeRetryTargets checks the targets of the failed entries of p,
// the i-th policy of a retry, which the retry would deliver again.
func (s *Service) authorizeRetryTargets(ctx context.Context, i int, p *Policy, allowed map[string]bool) error {
	for k, d := range p.Defenses {
		if d.BlockStatus != BlockFailed {
			continue
		}
		f := fmt.Sprintf("data_object.retry_list[%d] (policy %s): defense_policy_list[%d].target_project_id", i, p.ID, k)
		if err := s.authorizeTarget(ctx, p.ProjectID, f, d.TargetProjectID, allowed); err != nil {
			return err
		}
	}
	return nil
}

// needTarget is returned from inside an update transaction when an entry
// is about to be delivered to a project not yet authorised: the update is
// rolled back, the project checked outside the transaction, and the update
// run again.
type needTarget struct {
	field, project string
}

func (n *needTarget) Error() string { return "target project " + n.project + " needs authorisation" }

// deliveryAllowed reports why entry e of p may not be delivered now (""
// when it may): the policy's last writer must still be allowed to target
// the entry's project. checked caches the answers of one delivery round.
func (s *Service) deliveryAllowed(ctx context.Context, p *Policy, e *DefenseEntry, checked map[[3]string]string) (string, error) {
	if e.TargetProjectID == p.ProjectID {
		return "", nil
	}
	user := p.ModifierID
	if user == "" {
		user = p.CreatorID
	}
	k := [3]string{user, p.ProjectID, e.TargetProjectID}
	if why, ok := checked[k]; ok {
		return why, nil
	}
	why := ""
	if user == "" {
		why = fmt.Sprintf("the target project %s is not the policy's project and the policy has no author who may act on it", e.TargetProjectID)
	} else if err := s.guard.UserMayTarget(ctx, user, p.ProjectID, e.TargetProjectID); err != nil {
		if rampart.ErrorKind(err) != rampart.KindForbidden {
			return "", err
		}
		why = fmt.Sprintf("the policy's last author may no longer act on the target project %s", e.TargetProjectID)
	}
	checked[k] = why
	return why, nil
}
