package rampart

import "context"

// AuthMethod says how a caller proved its identity.
type AuthMethod string

// Authentication methods.
const (
	AuthToken AuthMethod = "token" // X-Auth-Token
	AuthAKSK  AuthMethod = "aksk"  // SDK-HMAC-SHA256 signature
)

// Principal is an authenticated caller. ProjectID is the project a token is
// scoped to (empty for account-scoped tokens and for AK/SK callers, whose
// reach is given by their grants). Credential identifies the credential used
// (the access key, or a short prefix of the token hash) for rate limiting and
// logs; it is never a secret.
type Principal struct {
	UserID      string
	UserName    string
	AccountID   string
	AccountName string
	ProjectID   string
	Method      AuthMethod
	Credential  string
}

type principalKey struct{}

// NewContextWithPrincipal returns a copy of ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the caller, or nil for anonymous requests.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
