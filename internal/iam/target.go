package iam

import (
	"context"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Cross-project targets: a SecMaster emergency policy of one project may
// name another project as the place its layers enforce it. These checks
// decide whether the caller may do that. Rampart has no administrator role
// above grants: an account's users act on the projects they were granted
// (the bootstrap user on the bootstrap project), so "may act on the target"
// is the same rule as for a request on the target's own routes.

var errTargetForbidden = &rampart.Error{Kind: rampart.KindForbidden, Code: CodeForbidden,
	Message: "The IAM user is not authorized to act on the target project."}

// AuthorizeTarget reports whether p, acting in ownerProjectID, may aim
// enforcement at targetProjectID: the owner project itself, or a project
// of the same account as p and the owner project on which p may act
// (Authorize: a project-scoped token only on its own project, other
// credentials on granted projects, never a project where p's user is
// blocked). It answers KindForbidden otherwise, the same way whether or
// not the project exists.
func (s *Service) AuthorizeTarget(ctx context.Context, p *rampart.Principal, ownerProjectID, targetProjectID string) error {
	if p == nil {
		return errTargetForbidden
	}
	if targetProjectID == ownerProjectID {
		return nil
	}
	if err := s.sameAccount(ctx, p.AccountID, ownerProjectID, targetProjectID); err != nil {
		return err
	}
	if err := s.Authorize(ctx, p, targetProjectID); err != nil {
		if rampart.ErrorKind(err) == rampart.KindForbidden {
			return errTargetForbidden
		}
		return err
	}
	return nil
}

// UserMayTarget is AuthorizeTarget for a user without a credential at hand
// (the delivery of a stored policy): the user must exist, be enabled, be
// of the account of both projects, hold a grant on the target now (read
// from the store, not the cache, so a grant withdrawn is seen at once) and
// not be blocked there.
func (s *Service) UserMayTarget(ctx context.Context, userID, ownerProjectID, targetProjectID string) error {
	if targetProjectID == ownerProjectID {
		return nil
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return errTargetForbidden
	}
	if err != nil {
		return err
	}
	if !u.Enabled {
		return errTargetForbidden
	}
	if err := s.sameAccount(ctx, u.AccountID, ownerProjectID, targetProjectID); err != nil {
		return err
	}
	granted, err := s.store.HasGrant(ctx, userID, targetProjectID)
	if err != nil {
		return err
	}
	if !granted {
		return errTargetForbidden
	}
	if err := s.checkBlocked(ctx, targetProjectID, u.Name); err != nil {
		if rampart.ErrorKind(err) == rampart.KindForbidden {
			return errTargetForbidden
		}
		return err
	}
	return nil
}

// sameAccount checks that both projects exist and belong to accountID.
func (s *Service) sameAccount(ctx context.Context, accountID string, projectIDs ...string) error {
	for _, id := range projectIDs {
		pr, err := s.store.FindProjectByID(ctx, id)
		if rampart.ErrorKind(err) == rampart.KindNotFound {
			return errTargetForbidden
		}
		if err != nil {
			return err
		}
		if accountID == "" || pr.AccountID != accountID {
			return errTargetForbidden
		}
	}
	return nil
}
