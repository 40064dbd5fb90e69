package iam

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// PasswordAuth is the password method of POST /v3/auth/tokens. At most one
// scope applies: a project (by ID or by name) wins over the account (domain).
type PasswordAuth struct {
	AccountName      string
	UserName         string
	Password         string
	ScopeProjectID   string
	ScopeProjectName string
	ScopeDomainID    string
	ScopeDomainName  string
}

// IssuedToken is a new token and what it was issued for. Token is the secret
// string the caller sends as X-Auth-Token; it is never stored.
type IssuedToken struct {
	Token   string
	Record  rampart.Token
	User    *rampart.User
	Account *rampart.Account
	Project *rampart.Project // nil for an account-scoped token
}

// MethodPassword is the one authentication method of POST /v3/auth/tokens
// that Rampart verifies.
const MethodPassword = "password"

// CheckMethods checks the auth.identity.methods of a token request, as
// Keystone does: the list must not be empty (KindInvalid, IAM.0003), and
// every method in it must be one Rampart verifies; any other, even next to
// "password" (a second factor such as "totp"), refuses the request
// (KindUnauthorized, IAM.0001) rather than being ignored.
func CheckMethods(methods []string) error {
	if len(methods) == 0 {
		return &rampart.Error{Kind: rampart.KindInvalid, Code: CodeIAMBadRequest, Field: "auth.identity.methods",
			Message: "Invalid input for field 'auth.identity.methods': at least one method is required."}
	}
	for _, m := range methods {
		if m != MethodPassword {
			return authError(CodeIAMAuthRequired, fmt.Sprintf("Attempted to authenticate with an unsupported method: %q (only %q is supported).", m, MethodPassword))
		}
	}
	return nil
}

func authError(code, msg string) *rampart.Error {
	return &rampart.Error{Kind: rampart.KindUnauthorized, Code: code, Message: msg}
}

// checkPassword checks a user's password under the lockout of lockKey,
// recording the failure or the success. Checks of one key run one at a
// time: otherwise attempts sent together all pass the lockout check before
// the first failure is counted, and a burst gets as many guesses as it has
// requests. The right password of a disabled user is refused without
// resetting the count.
func (s *Service) checkPassword(ctx context.Context, lockKey string, user *rampart.User, password string, now time.Time) error {
	release := s.serialize(lockKey)
	defer release()
	if locked, err := s.locked(ctx, lockKey, now); err != nil {
		return err
	} else if locked {
		return &rampart.Error{Kind: rampart.KindLocked, Code: CodeIAMAccountLocked, Message: "Account locked."}
	}
	if !CheckPassword(user.PasswordHash, password) {
		if err := s.recordFailure(ctx, lockKey, now); err != nil {
			return err
		}
		return authError(CodeIAMWrongPassword, "Incorrect password.")
	}
	if !user.Enabled {
		return authError(CodeIAMAuthRequired, "The user is disabled.")
	}
	return s.recordSuccess(ctx, lockKey)
}

// IssueToken checks the password and issues a token for the requested
// scope. Wrong credentials give KindUnauthorized (IAM.0062 for a wrong
// password, IAM.0001 for an unknown account or user), KindLocked (IAM.0061)
// after repeated failures; an unknown or ungranted scope gives KindInvalid
// (IAM.1109).
func (s *Service) IssueToken(ctx context.Context, a PasswordAuth) (*IssuedToken, error) {
	if a.AccountName == "" || a.UserName == "" || a.Password == "" {
		return nil, &rampart.Error{Kind: rampart.KindInvalid, Code: CodeIAMBadRequest,
			Message: "auth.identity.password.user requires name, password and domain.name."}
	}
	now := s.cfg.Now()
	acc, err := s.store.FindAccountByName(ctx, a.AccountName)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return nil, authError(CodeIAMAuthRequired, "The request you have made requires authentication.")
	} else if err != nil {
		return nil, err
	}
	user, err := s.store.FindUserByName(ctx, acc.ID, a.UserName)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return nil, authError(CodeIAMAuthRequired, "The request you have made requires authentication.")
	} else if err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, "user:"+user.ID, user, a.Password, now); err != nil {
		return nil, err
	}

	var project *rampart.Project
	switch {
	case a.ScopeProjectID != "" || a.ScopeProjectName != "":
		project, err = s.scopeProject(ctx, acc, user, a.ScopeProjectID, a.ScopeProjectName)
		if err != nil {
			return nil, err
		}
		if err := s.checkBlocked(ctx, project.ID, user.Name); err != nil {
			if rampart.ErrorKind(err) == rampart.KindForbidden {
				return nil, authError(CodeIAMAuthRequired, "The user is blocked in this project by an emergency policy.")
			}
			return nil, err
		}
	case a.ScopeDomainID != "" && a.ScopeDomainID != acc.ID,
		a.ScopeDomainName != "" && a.ScopeDomainName != acc.Name:
		return nil, &rampart.Error{Kind: rampart.KindInvalid, Code: CodeIAMBadRequest,
			Message: "The scoped domain does not match the user's domain."}
	}

	tok := newTokenString()
	rec := rampart.Token{
		ID:        TokenID(tok),
		UserID:    user.ID,
		AccountID: acc.ID,
		IssuedAt:  now.UTC().Truncate(time.Millisecond),
		ExpiresAt: now.UTC().Add(s.cfg.TokenTTL).Truncate(time.Millisecond),
	}
	if project != nil {
		rec.ProjectID = project.ID
	}
	if err := s.store.CreateToken(ctx, &rec); err != nil {
		return nil, err
	}
	return &IssuedToken{Token: tok, Record: rec, User: user, Account: acc, Project: project}, nil
}

func (s *Service) scopeProject(ctx context.Context, acc *rampart.Account, user *rampart.User, id, name string) (*rampart.Project, error) {
	unknown := &rampart.Error{Kind: rampart.KindInvalid, Code: CodeIAMProjectUnknown,
		Message: "The project information cannot be found."}
	var p *rampart.Project
	if id != "" {
		found, err := s.store.FindProjectByID(ctx, id)
		if rampart.ErrorKind(err) == rampart.KindNotFound {
			return nil, unknown
		} else if err != nil {
			return nil, err
		}
		if name != "" && found.Name != name {
			return nil, unknown
		}
		p = found
	} else {
		ps, err := s.store.FindProjects(ctx, rampart.ProjectFilter{AccountID: acc.ID, Name: name})
		if err != nil {
			return nil, err
		}
		if len(ps) != 1 {
			return nil, unknown
		}
		p = ps[0]
	}
	if p.AccountID != acc.ID || !p.Enabled {
		return nil, unknown
	}
	ok, err := s.store.HasGrant(ctx, user.ID, p.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, unknown
	}
	return p, nil
}

// AuthenticateToken validates an X-Auth-Token. It returns KindExpired
// (APIGW.0307) for an expired token and KindUnauthorized (APIGW.0301) for an
// unknown, malformed or revoked one.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*rampart.Principal, error) {
	now := s.cfg.Now()
	if token == "" || len(token) > 16384 || strings.ContainsAny(token, " \t") {
		return nil, authError(CodeAuthFailed, "Incorrect IAM authentication information: decrypt token fail")
	}
	id := TokenID(token)
	s.mu.RLock()
	c, ok := s.tokens[id]
	s.mu.RUnlock()
	if !ok || now.Sub(c.fetched) > s.cfg.CacheTTL {
		gen := s.generation()
		p, exp, err := s.loadToken(ctx, id)
		if err != nil {
			return nil, err
		}
		c = cachedToken{principal: p, expiresAt: exp, fetched: now}
		s.mu.Lock()
		if s.gen == gen { // no revocation since the read: it is still current
			s.tokens[id] = c
		}
		s.mu.Unlock()
	}
	if !now.Before(c.expiresAt) {
		return nil, &rampart.Error{Kind: rampart.KindExpired, Code: CodeTokenExpired, Message: "The token must be updated."}
	}
	return c.principal, nil
}

func (s *Service) loadToken(ctx context.Context, id string) (*rampart.Principal, time.Time, error) {
	bad := authError(CodeAuthFailed, "Incorrect IAM authentication information: decrypt token fail")
	t, err := s.store.FindToken(ctx, id)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return nil, time.Time{}, bad
	} else if err != nil {
		return nil, time.Time{}, err
	}
	if t.Revoked {
		return nil, time.Time{}, bad
	}
	user, err := s.store.FindUserByID(ctx, t.UserID)
	if err != nil {
		return nil, time.Time{}, bad
	}
	if !user.Enabled {
		return nil, time.Time{}, bad
	}
	acc, err := s.store.FindAccountByID(ctx, t.AccountID)
	if err != nil {
		return nil, time.Time{}, bad
	}
	return &rampart.Principal{
		UserID:      user.ID,
		UserName:    user.Name,
		AccountID:   acc.ID,
		AccountName: acc.Name,
		ProjectID:   t.ProjectID,
		Method:      rampart.AuthToken,
		Credential:  "token:" + id[:12],
	}, t.ExpiresAt, nil
}

// RevokeToken revokes a token at once. Unknown tokens give KindNotFound.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	id := TokenID(token)
	if err := s.store.RevokeToken(ctx, id); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.tokens, id)
	s.gen++
	s.mu.Unlock()
	return nil
}

// AdministersAccount reports whether p administers its account: Rampart
// has no roles, so the account administrator is the account's user named
// AdminUserName (the user the bootstrap creates), standing for Huawei's
// admin group.
func AdministersAccount(p *rampart.Principal) bool {
	return p != nil && p.UserName == AdminUserName
}

// RevokeSubjectToken revokes subject on behalf of caller, as Keystone's
// identity:revoke_token rule allows: a user may revoke its own tokens, the
// account administrator any token of the account. A subject that is not a
// valid token of the caller's account gives KindNotFound (IAM.0067), so
// other accounts' tokens cannot be probed; a token of another user of the
// account, revoked by anyone but the administrator, gives KindForbidden
// (IAM.0002).
func (s *Service) RevokeSubjectToken(ctx context.Context, caller *rampart.Principal, subject string) error {
	target, err := s.AuthenticateToken(ctx, subject)
	if err != nil || caller == nil || target.AccountID != caller.AccountID {
		return &rampart.Error{Kind: rampart.KindNotFound, Code: CodeIAMTokenInvalid, Message: "Invalid token."}
	}
	if target.UserID != caller.UserID && !AdministersAccount(caller) {
		return &rampart.Error{Kind: rampart.KindForbidden, Code: CodeIAMForbidden,
			Message: "You are not authorized to perform the requested action: only the token's user or the account administrator may revoke it."}
	}
	return s.RevokeToken(ctx, subject)
}

// RevokeTokenID revokes a token by its stored ID (the hex SHA-256 of the
// token), for operators who only have the ID from logs or listings.
func (s *Service) RevokeTokenID(ctx context.Context, id string) error {
	if err := s.store.RevokeToken(ctx, id); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.tokens, id)
	s.gen++
	s.mu.Unlock()
	return nil
}
