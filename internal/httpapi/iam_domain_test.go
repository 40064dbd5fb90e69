package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/httpapi"
)

// GET /v3/auth/domains names the caller's account, with a token or an
// access key, in the shape Terraform's provider and the SDK read: exactly
// one domain and no next page.
func TestAuthDomains(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	withToken := newRequest(t, "GET", e.URL+"/v3/auth/domains", "")
	withToken.Header.Set("X-Auth-Token", e.token(t, `{"project":{"name":"local"}}`))
	for name, req := range map[string]*http.Request{
		"Token":  withToken,
		"Signed": e.signed(t, "GET", "/v3/auth/domains", "", time.Now(), e.Creds.SecretKey),
	} {
		t.Run(name, func(t *testing.T) {
			res := do(t, req)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d: %s", res.Status, res.Raw)
			}
			ds, _ := res.Body["domains"].([]any)
			if len(ds) != 1 {
				t.Fatalf("domains = %v, want the caller's account alone", res.Body["domains"])
			}
			d := ds[0].(map[string]any)
			if d["id"] != e.Creds.AccountID || d["name"] != "acme" || d["enabled"] != true {
				t.Fatalf("domain = %v, want id %s, name acme, enabled", d, e.Creds.AccountID)
			}
			if self, _ := d["links"].(map[string]any)["self"].(string); self != "/v3/domains/"+e.Creds.AccountID {
				t.Fatalf("domain links = %v", d["links"])
			}
			links, _ := res.Body["links"].(map[string]any)
			if links == nil || links["next"] != nil || links["self"] != "/v3/auth/domains" {
				t.Fatalf("links = %v, want self and no next page", res.Body["links"])
			}
		})
	}
	t.Run("NoCredentials", func(t *testing.T) {
		wantError(t, do(t, newRequest(t, "GET", e.URL+"/v3/auth/domains", "")), 401, "APIGW.0301")
	})
}
