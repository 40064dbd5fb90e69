package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/rampartsec/rampart/internal/aksk"
)

// A JSON body sent with a Content-Type that is not JSON is refused in every
// family, with the family's invalid-input error, and nothing is written; a
// JSON type with parameters, or no Content-Type at all, is accepted.
// (SecMaster and Workspace: secmaster_test.go and workspace_test.go.)
func TestNonJSONContentTypeIsRefused(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	wafPost := func(contentType, body string) response {
		t.Helper()
		req := newRequest(t, "POST", e.URL+"/v1/"+e.Creds.ProjectID+"/waf/policy", body)
		req.Header.Del("Content-Type")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("X-Project-Id", e.Creds.ProjectID)
		aksk.Sign(req, []byte(body), e.Creds.AccessKey, e.Creds.SecretKey, e.clock.Now())
		return do(t, req)
	}
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"} {
		wantError(t, wafPost(ct, `{"name":"refused"}`), http.StatusBadRequest, "WAF.00021003")
	}
	list := ok(t, e.call(t, "GET", "policy?name=refused", ""))
	if n, _ := list["total"].(float64); n != 0 {
		t.Fatalf("a refused request created a policy: %v", list)
	}
	for i, ct := range []string{"application/json;charset=UTF-8", "application/json;charset=utf8", "Application/JSON", ""} {
		ok(t, wafPost(ct, `{"name":"accepted`+string(rune('a'+i))+`"}`))
	}

	token := newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "admin", e.Creds.Password, `{"project":{"name":"local"}}`))
	token.Header.Set("Content-Type", "text/plain")
	wantError(t, do(t, token), http.StatusBadRequest, "IAM.0003")

	body := `{"checks":[{"layer":"cfw","ip":"203.0.113.7"}]}`
	req := newRequest(t, "POST", e.URL+"/v1/"+e.Creds.ProjectID+"/rampart/decisions", body)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("X-Project-Id", e.Creds.ProjectID)
	aksk.Sign(req, []byte(body), e.Creds.AccessKey, e.Creds.SecretKey, e.clock.Now())
	wantError(t, do(t, req), http.StatusBadRequest, "RAMPART.DEC.0001")
}
