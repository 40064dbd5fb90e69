// Package iam is Rampart's identity service, compatible with Huawei Cloud
// IAM and its API gateway: password tokens, token and AK/SK
// (SDK-HMAC-SHA256) authentication, project authorisation, lockout after
// repeated failures, and the first-start bootstrap. It holds the rules; the
// records live behind rampart.IdentityStore.
//
// Cost model: validated tokens, access keys and grants are cached in memory
// for Config.CacheTTL, so a warm token check is one SHA-256 and one map
// lookup, and a warm signature check is one HMAC over the canonical request.
// Changes made through this service (revocations) apply at once; changes made
// to the store by another process apply within CacheTTL.
package iam

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Gateway error codes, as Huawei's API gateway reports authentication
// failures (body {error_code, error_msg, request_id}).
const (
	CodeAuthFailed    = "APIGW.0301" // 401: bad signature, unknown AK, bad or revoked token, locked AK
	CodeForbidden     = "APIGW.0302" // 403: the credential may not act on the project
	CodeTokenExpired  = "APIGW.0307" // 401: expired token
	CodeThrottled     = "APIGW.0308" // 429: rate limit reached
	CodeNoSuchAPI     = "APIGW.0101" // 404: unknown route
	CodeBadRequest    = "APIGW.0201" // 400: malformed request at the gateway
	CodeInternalError = "APIGW.0601" // 500
)

// Keystone (IAM) error codes for the token API.
const (
	CodeIAMAuthRequired   = "IAM.0001" // 401
	CodeIAMAccountLocked  = "IAM.0061" // 401
	CodeIAMWrongPassword  = "IAM.0062" // 401
	CodeIAMBadRequest     = "IAM.0003" // 400
	CodeIAMProjectUnknown = "IAM.1109" // 400
	CodeIAMTokenInvalid   = "IAM.0067" // 404 on token validation
	CodeIAMForbidden      = "IAM.0002" // 403: the caller may not perform the action
)

// Config tunes the service. Zero fields take the defaults of DefaultConfig.
type Config struct {
	TokenTTL        time.Duration // lifetime of issued tokens (24 h)
	MaxClockSkew    time.Duration // accepted X-Sdk-Date skew (15 min)
	LockoutFailures int           // consecutive failures that lock a credential (5)
	LockoutDuration time.Duration // how long it stays locked (5 min)
	CacheTTL        time.Duration // how long a validated credential is trusted without a store read (30 s)
	// PasswordIterations is the PBKDF2 cost of new password hashes (210,000).
	// Stored hashes carry their own cost, so changing it never breaks them;
	// tests lower it to stay fast under the race detector.
	PasswordIterations int
	Now                func() time.Time
	// UserBlocked, when set, reports whether a user name is blocked in a
	// project (SecMaster's IAM enforcement set): such a user gets no token
	// scoped to the project and no access to it with any credential.
	UserBlocked func(ctx context.Context, projectID, userName string) (bool, error)
}

// DefaultConfig returns Huawei's documented behaviour.
func DefaultConfig() Config {
	return Config{
		TokenTTL:           24 * time.Hour,
		MaxClockSkew:       15 * time.Minute,
		LockoutFailures:    5,
		LockoutDuration:    5 * time.Minute,
		CacheTTL:           30 * time.Second,
		PasswordIterations: passwordIterations,
		Now:                time.Now,
	}
}

// Service implements authentication and authorisation. It is safe for
// concurrent use; create it with New.
type Service struct {
	store rampart.IdentityStore
	cfg   Config

	mu     sync.RWMutex
	tokens map[string]cachedToken // token ID -> validated token
	keys   map[string]cachedKey   // access key -> key and owner
	grants map[grantKey]cachedGrant
	// gen counts revocations and grant changes made through this service.
	// A store read caches its result only if gen did not move meanwhile,
	// so a concurrent request cannot put back what a revocation removed.
	gen    uint64
	lockMu sync.Mutex
	locks  map[string]*lockState // "ak:"+AK or "user:"+userID
	// locksLoaded is set once the lockouts saved by earlier runs are in
	// locks; loadMu serialises the loading.
	locksLoaded atomic.Bool
	loadMu      sync.Mutex
	gateMu      sync.Mutex
	gates       map[string]*gate // serialised password checks and lockout saves, by lock key
}

// gate is a mutex shared by the callers waiting on one key.
type gate struct {
	mu      sync.Mutex
	waiters int
}

type cachedToken struct {
	principal *rampart.Principal
	expiresAt time.Time
	fetched   time.Time
}

type cachedKey struct {
	secret    string
	principal *rampart.Principal
	fetched   time.Time
}

type grantKey struct{ userID, projectID string }

type cachedGrant struct {
	ok      bool
	fetched time.Time
}

// New returns a Service over store. Zero fields of cfg take defaults.
func New(store rampart.IdentityStore, cfg Config) *Service {
	def := DefaultConfig()
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = def.TokenTTL
	}
	if cfg.MaxClockSkew <= 0 {
		cfg.MaxClockSkew = def.MaxClockSkew
	}
	if cfg.LockoutFailures <= 0 {
		cfg.LockoutFailures = def.LockoutFailures
	}
	if cfg.LockoutDuration <= 0 {
		cfg.LockoutDuration = def.LockoutDuration
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = def.CacheTTL
	}
	if cfg.Now == nil {
		cfg.Now = def.Now
	}
	if cfg.PasswordIterations <= 0 {
		cfg.PasswordIterations = def.PasswordIterations
	}
	return &Service{
		store:  store,
		cfg:    cfg,
		tokens: make(map[string]cachedToken),
		keys:   make(map[string]cachedKey),
		grants: make(map[grantKey]cachedGrant),
		locks:  make(map[string]*lockState),
		gates:  make(map[string]*gate),
	}
}

// serialize waits until no other caller holds key and returns the function
// that releases it. Keys nobody holds or waits for take no memory.
func (s *Service) serialize(key string) (release func()) {
	s.gateMu.Lock()
	g := s.gates[key]
	if g == nil {
		g = &gate{}
		s.gates[key] = g
	}
	g.waiters++
	s.gateMu.Unlock()
	g.mu.Lock()
	return func() {
		g.mu.Unlock()
		s.gateMu.Lock()
		if g.waiters--; g.waiters == 0 {
			delete(s.gates, key)
		}
		s.gateMu.Unlock()
	}
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// generation returns the current revocation generation.
func (s *Service) generation() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen
}

// Authorize checks that p may act on projectID: a project-scoped token only
// on its project, an account-scoped token or an access key on the projects
// granted to the user. It returns KindForbidden with CodeForbidden otherwise.
func (s *Service) Authorize(ctx context.Context, p *rampart.Principal, projectID string) error {
	forbidden := &rampart.Error{Kind: rampart.KindForbidden, Code: CodeForbidden,
		Message: "The IAM user is not authorized to access the API."}
	if p == nil {
		return forbidden
	}
	if p.ProjectID != "" {
		if p.ProjectID != projectID {
			return forbidden
		}
		return s.checkBlocked(ctx, projectID, p.UserName)
	}
	now := s.cfg.Now()
	k := grantKey{p.UserID, projectID}
	s.mu.RLock()
	g, ok := s.grants[k]
	s.mu.RUnlock()
	if !ok || now.Sub(g.fetched) > s.cfg.CacheTTL {
		gen := s.generation()
		granted, err := s.store.HasGrant(ctx, p.UserID, projectID)
		if err != nil {
			return err
		}
		g = cachedGrant{ok: granted, fetched: now}
		s.mu.Lock()
		if s.gen == gen {
			s.grants[k] = g
		}
		s.mu.Unlock()
	}
	if !g.ok {
		return forbidden
	}
	return s.checkBlocked(ctx, projectID, p.UserName)
}

// checkBlocked refuses a user that Config.UserBlocked reports blocked in the
// project.
func (s *Service) checkBlocked(ctx context.Context, projectID, userName string) error {
	if s.cfg.UserBlocked == nil {
		return nil
	}
	blocked, err := s.cfg.UserBlocked(ctx, projectID, userName)
	if err != nil {
		return err
	}
	if blocked {
		return &rampart.Error{Kind: rampart.KindForbidden, Code: CodeForbidden,
			Message: "The IAM user is blocked in this project by an emergency policy."}
	}
	return nil
}

// ListProjects returns the projects p may act on, optionally filtered by
// name. A project-scoped token sees only its project.
func (s *Service) ListProjects(ctx context.Context, p *rampart.Principal, name string) ([]*rampart.Project, error) {
	ps, err := s.store.FindProjects(ctx, rampart.ProjectFilter{UserID: p.UserID, Name: name})
	if err != nil {
		return nil, err
	}
	if p.ProjectID == "" {
		return ps, nil
	}
	out := ps[:0]
	for _, pr := range ps {
		if pr.ID == p.ProjectID {
			out = append(out, pr)
		}
	}
	return out, nil
}

// PruneExpiredTokens deletes tokens that expired more than a day ago and
// lockouts that ended, and forgets stale cache entries. Call it
// periodically.
func (s *Service) PruneExpiredTokens(ctx context.Context) (int64, error) {
	now := s.cfg.Now()
	s.mu.Lock()
	for id, t := range s.tokens {
		if now.After(t.expiresAt) || now.Sub(t.fetched) > s.cfg.CacheTTL {
			delete(s.tokens, id)
		}
	}
	for k, c := range s.keys {
		if now.Sub(c.fetched) > s.cfg.CacheTTL {
			delete(s.keys, k)
		}
	}
	for k, g := range s.grants {
		if now.Sub(g.fetched) > s.cfg.CacheTTL {
			delete(s.grants, k)
		}
	}
	s.mu.Unlock()
	if err := s.pruneLockouts(ctx, now); err != nil {
		return 0, err
	}
	return s.store.DeleteExpiredTokens(ctx, now.Add(-24*time.Hour))
}

// AccountByID returns an account, for token requests that name the domain
// by ID.
func (s *Service) AccountByID(ctx context.Context, id string) (*rampart.Account, error) {
	return s.store.FindAccountByID(ctx, id)
}
