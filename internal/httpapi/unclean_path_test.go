package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// A path with an empty segment is no API: it gets the gateway's 404
// APIGW.0101 like any unknown path, not a redirect to the cleaned path,
// which the SDK would follow with a signature of the old one (and report
// as 401).
func TestPathWithEmptySegmentIsUnknownAPI(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{
		"/v1/" + e.Creds.ProjectID + "/workspaces/" + e.ws + "/soc/policy-records//search",
		"/v1/" + e.Creds.ProjectID + "/workspaces/" + e.ws + "/soc/./policys/search",
		"/v1/" + e.Creds.ProjectID + "//waf/policy",
		"/v1/" + e.Creds.ProjectID + "/waf/policy/../policy",
	} {
		method, body := "POST", `{"limit":10,"offset":0}`
		if path[len(path)-len("policy"):] == "policy" {
			method, body = "GET", ""
		}
		req := e.signed(t, method, path, body, time.Now(), e.Creds.SecretKey)
		req.URL.Opaque = path // sent as written, not cleaned by the client
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		if res.StatusCode != http.StatusNotFound || out["error_code"] != "APIGW.0101" {
			t.Errorf("%s %s: %d %s (Location %q), want 404 APIGW.0101", method, path, res.StatusCode, raw, res.Header.Get("Location"))
		}
	}
}
