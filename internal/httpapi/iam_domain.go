package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/rampart"
)

// handleAuthDomainList handles the "GET /v3/auth/domains" route: the
// domains (accounts) the credential may use, which for every Rampart
// credential is its own account. Terraform's provider and the SDK's global
// credentials read it to find the account ID of an access key.
func (s *server) handleAuthDomainList() http.Handler {
	type domain struct {
		ID          string            `json:"id"`
		Name        string            `json:"name"`
		Enabled     bool              `json:"enabled"`
		Description string            `json:"description"`
		Links       map[string]string `json:"links"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := rampart.PrincipalFromContext(r.Context())
		d := domain{ID: p.AccountID, Name: p.AccountName, Enabled: true,
			Links: map[string]string{"self": "/v3/domains/" + p.AccountID}}
		encode(w, http.StatusOK, map[string]any{"domains": []domain{d}, "links": keystoneListLinks{Self: selfURL(r)}})
	})
}
