package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
)

// consoleLogin sends the console's login with the given extra headers and
// returns the answer and the session cookie it set (nil: none).
func consoleLogin(t *testing.T, e *testEnv, body string, headers map[string]string) (response, *http.Cookie) {
	t.Helper()
	req := newRequest(t, "POST", e.URL+"/console/api/session", body)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res := do(t, req)
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == httpapi.ConsoleCookie {
			return res, c
		}
	}
	return res, nil
}

// consoleCall calls path with the session cookie and the given headers.
func consoleCall(t *testing.T, e *testEnv, method, path string, c *http.Cookie, headers map[string]string) response {
	t.Helper()
	req := newRequest(t, method, e.URL+path, "")
	req.AddCookie(c)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

var consoleHeaders = map[string]string{httpapi.ConsoleHeader: "1"}

// The login issues the token of POST /v3/auth/tokens into an HttpOnly,
// SameSite=Strict cookie expiring with it, never into the answer, and only
// for a request with the console header from the console's own origin.
func TestConsoleLoginSetsSessionCookie(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	body := passwordBody("acme", "admin", e.Creds.Password, `{"domain":{"name":"acme"}}`)

	res, c := consoleLogin(t, e, body, nil)
	wantError(t, res, 401, "APIGW.0301")
	if c != nil {
		t.Fatal("a login without the console header set a cookie")
	}
	res, c = consoleLogin(t, e, body, map[string]string{httpapi.ConsoleHeader: "1", "Origin": "https://evil.example"})
	wantError(t, res, 403, "APIGW.0302")
	if c != nil {
		t.Fatal("a cross-origin login set a cookie")
	}
	res, _ = consoleLogin(t, e, body, map[string]string{httpapi.ConsoleHeader: "1", "Sec-Fetch-Site": "cross-site"})
	wantError(t, res, 403, "APIGW.0302")
	res, c = consoleLogin(t, e, passwordBody("acme", "admin", "wrong password", `{}`), consoleHeaders)
	wantError(t, res, 401, "IAM.0062")
	if c != nil {
		t.Fatal("a failed login set a cookie")
	}

	res, c = consoleLogin(t, e, body, map[string]string{httpapi.ConsoleHeader: "1", "Origin": e.URL, "Sec-Fetch-Site": "same-origin"})
	if res.Status != http.StatusCreated || c == nil {
		t.Fatalf("login: %d, cookie %v: %s", res.Status, c, res.Raw)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure {
		t.Errorf("cookie attributes: HttpOnly=%v SameSite=%v Path=%q Secure=%v (plain HTTP: not Secure)", c.HttpOnly, c.SameSite, c.Path, c.Secure)
	}
	if until := time.Until(c.Expires); until < 23*time.Hour || until > 25*time.Hour {
		t.Errorf("cookie expires in %v, want the token's 24h", until)
	}
	if res.Header.Get("X-Subject-Token") != "" || strings.Contains(res.Raw, c.Value) {
		t.Error("the login answer shows the token to the page's scripts")
	}
	if tok, _ := res.Body["token"].(map[string]any); tok["catalog"] != nil || tok["expires_at"] == nil {
		t.Errorf("login body: %s", res.Raw)
	}
}

// The cookie is a credential only with the console header and from the
// console's origin; it reaches what a token of the same user reaches.
func TestConsoleCookieNeedsHeaderAndOrigin(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	_, c := consoleLogin(t, e, passwordBody("acme", "admin", e.Creds.Password, `{"domain":{"name":"acme"}}`), consoleHeaders)
	if c == nil {
		t.Fatal("no session cookie")
	}
	policies := "/v1/" + e.Creds.ProjectID + "/waf/policy"

	wantError(t, consoleCall(t, e, "GET", policies, c, nil), 401, "APIGW.0301")
	wantError(t, consoleCall(t, e, "GET", policies, c, map[string]string{httpapi.ConsoleHeader: "yes"}), 401, "APIGW.0301")
	wantError(t, consoleCall(t, e, "GET", policies, c, map[string]string{httpapi.ConsoleHeader: "1", "Origin": "http://attacker.example"}), 403, "APIGW.0302")
	wantError(t, consoleCall(t, e, "GET", policies, c, map[string]string{httpapi.ConsoleHeader: "1", "Origin": strings.Replace(e.URL, "http:", "https:", 1)}), 403, "APIGW.0302")
	wantError(t, consoleCall(t, e, "GET", policies, c, map[string]string{httpapi.ConsoleHeader: "1", "Sec-Fetch-Site": "same-site"}), 403, "APIGW.0302")

	if res := consoleCall(t, e, "GET", policies, c, map[string]string{httpapi.ConsoleHeader: "1", "Origin": e.URL}); res.Status != 200 {
		t.Fatalf("own project with the cookie: %d %s", res.Status, res.Raw)
	}
	res := consoleCall(t, e, "GET", "/console/api/session", c, consoleHeaders)
	if user, _ := res.Body["session"].(map[string]any)["user"].(map[string]any); res.Status != 200 || user["name"] != "admin" {
		t.Fatalf("session: %d %s", res.Status, res.Raw)
	}

	// A project of another account is refused as for a token.
	ctx := context.Background()
	if err := e.DB.CreateAccount(ctx, &rampart.Account{ID: iam.NewID(), Name: "globex"}); err != nil {
		t.Fatal(err)
	}
	other, err := e.IAM.CreateProject(ctx, "globex", "globex-region", "")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, consoleCall(t, e, "GET", "/v1/"+other.ID+"/waf/policy", c, consoleHeaders), 403, "APIGW.0302")
	res = consoleCall(t, e, "GET", "/v3/projects", c, consoleHeaders)
	if ps, _ := res.Body["projects"].([]any); res.Status != 200 || len(ps) != 1 || strings.Contains(res.Raw, other.ID) {
		t.Fatalf("projects seen by the console: %d %s", res.Status, res.Raw)
	}
}

// Logout revokes the session's token (the cookie, and the same token sent
// as X-Auth-Token, stop working) and clears the cookie; it needs the
// console header like any use of the cookie, and a call without the cookie
// revokes nothing.
func TestConsoleLogoutRevokesToken(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	_, c := consoleLogin(t, e, passwordBody("acme", "admin", e.Creds.Password, `{"domain":{"name":"acme"}}`), consoleHeaders)
	if c == nil {
		t.Fatal("no session cookie")
	}
	script := e.token(t, `{}`)
	req := newRequest(t, "DELETE", e.URL+"/console/api/session", "")
	req.Header.Set("X-Auth-Token", script)
	wantError(t, do(t, req), 400, "IAM.0003")

	wantError(t, consoleCall(t, e, "DELETE", "/console/api/session", c, nil), 401, "APIGW.0301")
	wantError(t, consoleCall(t, e, "DELETE", "/console/api/session", c, map[string]string{httpapi.ConsoleHeader: "1", "Origin": "http://attacker.example"}), 403, "APIGW.0302")
	if res := consoleCall(t, e, "GET", "/v3/projects", c, consoleHeaders); res.Status != 200 {
		t.Fatalf("refused logouts ended the session: %d", res.Status)
	}

	res := consoleCall(t, e, "DELETE", "/console/api/session", c, consoleHeaders)
	if res.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", res.Status, res.Raw)
	}
	cleared := (&http.Response{Header: res.Header}).Cookies()
	if len(cleared) != 1 || cleared[0].Name != httpapi.ConsoleCookie || cleared[0].MaxAge >= 0 || cleared[0].Value != "" {
		t.Errorf("logout did not clear the cookie: %v", res.Header["Set-Cookie"])
	}
	wantError(t, consoleCall(t, e, "GET", "/v3/projects", c, consoleHeaders), 401, "APIGW.0301")
	req = newRequest(t, "GET", e.URL+"/v3/projects", "")
	req.Header.Set("X-Auth-Token", c.Value)
	wantError(t, do(t, req), 401, "APIGW.0301")
	req = newRequest(t, "GET", e.URL+"/v3/projects", "")
	req.Header.Set("X-Auth-Token", script)
	if res := do(t, req); res.Status != 200 {
		t.Fatalf("logout revoked another token: %d", res.Status)
	}
}

// A session ends when its token expires; behind an https public URL the
// cookie is Secure.
func TestConsoleSessionExpiresWithToken(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{PublicURL: "https://waf.example.com"})
	_, c := consoleLogin(t, e, passwordBody("acme", "admin", e.Creds.Password, `{"domain":{"name":"acme"}}`),
		map[string]string{httpapi.ConsoleHeader: "1", "Origin": "https://waf.example.com"})
	if c == nil {
		t.Fatal("no session cookie from the public origin")
	}
	if !c.Secure {
		t.Error("the cookie of an https public URL is not Secure")
	}
	if res := consoleCall(t, e, "GET", "/console/api/session", c, consoleHeaders); res.Status != 200 {
		t.Fatalf("fresh session: %d", res.Status)
	}
	e.clock.Add(24*time.Hour + time.Second)
	wantError(t, consoleCall(t, e, "GET", "/console/api/session", c, consoleHeaders), 401, "APIGW.0307")
}

// With the console off its paths are unknown APIs.
func TestConsoleOffAnswersNoRoute(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	res := do(t, newRequest(t, "GET", e.URL+"/console/", ""))
	wantError(t, res, 404, "APIGW.0101")
}
