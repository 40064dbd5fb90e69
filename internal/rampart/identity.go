package rampart

import (
	"context"
	"time"
)

// Account is a Huawei "domain": the tenant that owns users and projects.
type Account struct {
	ID        string // 32 lower-case hex characters
	Name      string
	CreatedAt time.Time
}

// User is an IAM user of an account. PasswordHash is an encoded, salted hash
// (see package iam); the clear password is never stored.
type User struct {
	ID           string
	AccountID    string
	Name         string
	PasswordHash string
	Enabled      bool
	CreatedAt    time.Time
}

// Project is a Huawei project: the scope of every regional API call. IDs are
// 32 lower-case hex characters, names are typically region names.
type Project struct {
	ID          string
	AccountID   string
	Name        string
	Description string
	Enabled     bool
	CreatedAt   time.Time
}

// ProjectFilter selects projects. Zero fields do not filter.
type ProjectFilter struct {
	AccountID string
	Name      string
	UserID    string // only projects granted to this user
}

// AccessKey is an AK/SK pair belonging to a user. The secret key must be kept
// to verify SDK-HMAC-SHA256 signatures, so it is stored as given.
type AccessKey struct {
	AccessKey string
	SecretKey string
	UserID    string
	Active    bool
	CreatedAt time.Time
}

// Token is an issued IAM token. The token string itself is never stored:
// ID is the lower-case hex SHA-256 of it. ProjectID is empty for a token
// scoped to the account (domain).
type Token struct {
	ID        string
	UserID    string
	AccountID string
	ProjectID string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Revoked   bool
}

// Lockout is the count of consecutive authentication failures of one
// credential, kept so that a restart does not unlock it. Key names the
// credential ("ak:"+access key, "user:"+user ID); LockedUntil is zero while
// the credential is not locked.
type Lockout struct {
	Key         string
	Failures    int
	LockedUntil time.Time
}

// Bootstrap is what the first start of an empty store creates in one
// transaction: an account, its admin user, a project granted to that user
// and one access key.
type Bootstrap struct {
	Account   Account
	User      User
	Project   Project
	AccessKey AccessKey
	// BeforeCommit, when not nil, runs inside the transaction once the
	// identities are written and before they are committed; an error from
	// it rolls them back. The first start saves the generated credentials
	// there, so identities are never committed with credentials nobody
	// saved.
	BeforeCommit func() error
}

// IdentityStore persists accounts, users, projects, grants, access keys and
// tokens. Every backend implements it and passes the conformance suite in
// package storetest.
//
// Find methods return a KindNotFound error when nothing matches; Create
// methods return KindConflict when a unique key (ID, account+name, access
// key) is taken.
type IdentityStore interface {
	// Bootstrap creates b atomically if the store holds no account yet and
	// reports whether it did. It never changes existing identities.
	Bootstrap(ctx context.Context, b *Bootstrap) (created bool, err error)

	CreateAccount(ctx context.Context, a *Account) error
	FindAccountByID(ctx context.Context, id string) (*Account, error)
	FindAccountByName(ctx context.Context, name string) (*Account, error)

	CreateUser(ctx context.Context, u *User) error
	FindUserByID(ctx context.Context, id string) (*User, error)
	FindUserByName(ctx context.Context, accountID, name string) (*User, error)
	FindUsers(ctx context.Context, accountID string) ([]*User, error)

	CreateProject(ctx context.Context, p *Project) error
	FindProjectByID(ctx context.Context, id string) (*Project, error)
	FindProjects(ctx context.Context, f ProjectFilter) ([]*Project, error)
	// GrantProject lets a user act on a project; granting twice is not an error.
	GrantProject(ctx context.Context, userID, projectID string) error
	// HasGrant reports whether the user may act on the project.
	HasGrant(ctx context.Context, userID, projectID string) (bool, error)

	CreateAccessKey(ctx context.Context, k *AccessKey) error
	FindAccessKey(ctx context.Context, accessKey string) (*AccessKey, error)
	FindAccessKeys(ctx context.Context, userID string) ([]*AccessKey, error)
	// RevokeAccessKey deactivates a key; KindNotFound if it does not exist.
	RevokeAccessKey(ctx context.Context, accessKey string) error

	CreateToken(ctx context.Context, t *Token) error
	FindToken(ctx context.Context, id string) (*Token, error)
	// RevokeToken marks a token revoked; KindNotFound if it does not exist.
	RevokeToken(ctx context.Context, id string) error
	// DeleteExpiredTokens removes tokens that expired before t.
	DeleteExpiredTokens(ctx context.Context, before time.Time) (int64, error)

	// Lockouts returns every lockout recorded, in no particular order.
	Lockouts(ctx context.Context) ([]Lockout, error)
	// SaveLockout records l, replacing the lockout of the same key; it
	// returns once l is durable.
	SaveLockout(ctx context.Context, l Lockout) error
	// DeleteLockout forgets the lockout of key; an unknown key is not an
	// error.
	DeleteLockout(ctx context.Context, key string) error
	// DeleteExpiredLockouts removes the lockouts whose lock ended before t
	// (not those counting failures without a lock).
	DeleteExpiredLockouts(ctx context.Context, before time.Time) (int64, error)
}
