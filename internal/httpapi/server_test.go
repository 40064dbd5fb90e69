package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// testEnv is a real server on a loopback listener over a real SQLite file.
type testEnv struct {
	URL       string
	Creds     *iam.Credentials
	IAM       *iam.Service
	WAF       *waf.Service
	Workspace *workspace.Service
	SecMaster *secmaster.Service
	Decisions *enforce.Registry
	Bouncers  *bouncer.Service
	DB        *sqlite.DB
	clock     *fakeClock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// MustServe starts a server with every service wired in (IAM, WAF,
// Workspace and SecMaster, the SecMaster delivery worker not running), all
// on the fake clock; cfg tweaks the HTTP configuration.
func MustServe(tb testing.TB, cfg httpapi.Config, opts ...serveOption) *testEnv {
	tb.Helper()
	var o serveOptions
	for _, opt := range opts {
		opt(&o)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	clock := &fakeClock{t: time.Now()}
	if o.storeClock {
		db.Now = clock.Now
	}
	// SecMaster's IAM layer, as serve wires it: the decision engines answer;
	// IAM decides which projects a SecMaster policy may target.
	// Nothing polls here: tests call Decisions.Refresh after a change.
	var reg *enforce.Registry
	idm := iam.New(db, iam.Config{Now: clock.Now, PasswordIterations: testPasswordIterations,
		UserBlocked: func(ctx context.Context, projectID, userName string) (bool, error) {
			return decision.UserBlockedBy(reg, clock.Now)(ctx, projectID, userName)
		}})
	sm := secmaster.New(db.SecMaster(), secmaster.Config{Now: clock.Now, Deliverer: o.deliverer, Targets: idm})
	ws := workspace.New(db, workspace.Config{Now: clock.Now})
	reg = enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: ws, Revisions: db}, nil, clock.Now, nil)
	creds, created, err := idm.Bootstrap(ctx, iam.BootstrapInput{AccountName: "acme", AdminPassword: "correct horse battery"})
	if err != nil || !created {
		tb.Fatalf("bootstrap: created=%v err=%v", created, err)
	}
	e := &testEnv{Creds: creds, IAM: idm, DB: db, clock: clock,
		WAF:       waf.NewService(db, clock.Now),
		Workspace: ws,
		SecMaster: sm,
		Decisions: reg,
	}
	deps := httpapi.Deps{IAM: idm, Store: db,
		WAF: e.WAF, Workspace: e.Workspace, SecMaster: e.SecMaster, WAFEvents: waf.NewEventService(db, clock.Now),
		WAFDashboard: waf.NewDashboardService(db, db, clock.Now)}
	if o.decisionAPI {
		e.Bouncers = bouncer.New(db, reg, clock.Now)
		deps.Decisions, deps.Feed, deps.Bouncers = reg, reg, e.Bouncers
	}
	if o.log != nil {
		deps.Logger = slog.New(slog.NewTextHandler(o.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv := httptest.NewServer(httpapi.NewServer(cfg, deps))
	tb.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// serveOptions adjust MustServe's wiring.
type serveOptions struct {
	deliverer   secmaster.Deliverer // nil: SecMaster's default
	storeClock  bool                // the store's timestamps follow the fake clock
	decisionAPI bool                // the decision API and the feeds are served
	log         io.Writer           // nil: no log
}

type serveOption func(*serveOptions)

// withDeliverer delivers SecMaster policies through d.
func withDeliverer(d secmaster.Deliverer) serveOption {
	return func(o *serveOptions) { o.deliverer = d }
}

// withDecisionAPI serves the decision API, the change stream and the
// firewall feeds from the registry (refreshed by the test).
func withDecisionAPI() serveOption { return func(o *serveOptions) { o.decisionAPI = true } }

// withLog writes the server's log to w.
func withLog(w io.Writer) serveOption { return func(o *serveOptions) { o.log = w } }

// withStoreClock makes the store's timestamps follow the fake clock.
func withStoreClock() serveOption { return func(o *serveOptions) { o.storeClock = true } }

type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// fetch sends req and reads the whole answer, without decoding it.
func fetch(tb testing.TB, req *http.Request) response {
	tb.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
}

func do(tb testing.TB, req *http.Request) response {
	tb.Helper()
	out := fetch(tb, req)
	raw := []byte(out.Raw)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			tb.Fatalf("response is not a JSON object: %q", raw)
		}
	}
	if out.Header.Get("X-Request-Id") == "" {
		tb.Errorf("%s %s: no X-Request-Id", req.Method, req.URL.Path)
	}
	return out
}

func newRequest(tb testing.TB, method, url, body string) *http.Request {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// signed returns a request signed the way the official SDK signs it.
func (e *testEnv) signed(tb testing.TB, method, path, body string, at time.Time, sk string) *http.Request {
	tb.Helper()
	req := newRequest(tb, method, e.URL+path, body)
	req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0; test")
	req.Header.Set("X-Project-Id", e.Creds.ProjectID)
	aksk.Sign(req, []byte(body), e.Creds.AccessKey, sk, at)
	return req
}

func passwordBody(account, user, password, scope string) string {
	return `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + user +
		`","password":"` + password + `","domain":{"name":"` + account + `"}}}},"scope":` + scope + `}}`
}

func (e *testEnv) token(tb testing.TB, scope string) string {
	tb.Helper()
	res := do(tb, newRequest(tb, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "admin", e.Creds.Password, scope)))
	if res.Status != http.StatusCreated {
		tb.Fatalf("token: status %d: %s", res.Status, res.Raw)
	}
	return res.Header.Get("X-Subject-Token")
}

func wantError(tb testing.TB, res response, status int, code string) {
	tb.Helper()
	if res.Status != status {
		tb.Fatalf("status = %d, want %d: %s", res.Status, status, res.Raw)
	}
	if got, _ := res.Body["error_code"].(string); got != code {
		tb.Fatalf("error_code = %q, want %q: %s", got, code, res.Raw)
	}
	if msg, _ := res.Body["error_msg"].(string); msg == "" {
		tb.Fatalf("empty error_msg: %s", res.Raw)
	}
}

func TestTokenIssue(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	for _, tc := range []struct {
		name, scope, wantProject string
	}{
		{"ProjectByName", `{"project":{"name":"local"}}`, e.Creds.ProjectID},
		{"ProjectByID", `{"project":{"id":"` + e.Creds.ProjectID + `"}}`, e.Creds.ProjectID},
		{"Domain", `{"domain":{"name":"acme"}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "admin", e.Creds.Password, tc.scope)))
			if res.Status != http.StatusCreated {
				t.Fatalf("status %d: %s", res.Status, res.Raw)
			}
			if res.Header.Get("X-Subject-Token") == "" {
				t.Fatal("no X-Subject-Token")
			}
			tok := res.Body["token"].(map[string]any)
			exp, err := time.Parse(time.RFC3339Nano, tok["expires_at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Until(exp); d < 23*time.Hour || d > 25*time.Hour {
				t.Fatalf("expires_at %v is not 24 h ahead", exp)
			}
			if u := tok["user"].(map[string]any); u["name"] != "admin" {
				t.Fatalf("user = %v", u)
			}
			if len(tok["catalog"].([]any)) == 0 {
				t.Fatal("empty catalog")
			}
			if tc.wantProject != "" {
				if p := tok["project"].(map[string]any); p["id"] != tc.wantProject {
					t.Fatalf("project = %v", p)
				}
			} else if d := tok["domain"].(map[string]any); d["name"] != "acme" {
				t.Fatalf("domain = %v", d)
			}
		})
	}
	t.Run("NoCatalog", func(t *testing.T) {
		res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens?nocatalog=true", passwordBody("acme", "admin", e.Creds.Password, `{"project":{"name":"local"}}`)))
		if _, ok := res.Body["token"].(map[string]any)["catalog"]; ok {
			t.Fatal("catalog present with nocatalog")
		}
	})
}

func TestTokenIssueErrors(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"Empty", "", 400, "IAM.0003"},
		{"Malformed", `{"auth":`, 400, "IAM.0003"},
		{"WrongType", `{"auth":{"identity":{"methods":"password"}}}`, 400, "IAM.0003"},
		{"Trailing", `{"auth":{}} {}`, 400, "IAM.0003"},
		{"NoIdentity", `{"auth":{}}`, 400, "IAM.0003"},
		{"NoMethods", `{"auth":{"identity":{"methods":[],"password":{"user":{"name":"admin","password":"x","domain":{"name":"acme"}}}}}}`, 400, "IAM.0003"},
		// Methods Rampart does not verify are refused as Keystone refuses an
		// unsupported method, never ignored.
		{"TokenMethod", `{"auth":{"identity":{"methods":["token"]}}}`, 401, "IAM.0001"},
		{"PasswordAndTOTP", `{"auth":{"identity":{"methods":["password","totp"],"password":{"user":{"name":"admin","password":"` +
			e.Creds.Password + `","domain":{"name":"acme"}}},"totp":{"user":{"id":"` + e.Creds.UserID + `","passcode":"123456"}}}}}`, 401, "IAM.0001"},
		{"NoDomain", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"x"}}}}}`, 400, "IAM.0003"},
		{"UnknownAccount", passwordBody("nope", "admin", "whatever1", `{}`), 401, "IAM.0001"},
		{"UnknownUser", passwordBody("acme", "bob", "whatever1", `{}`), 401, "IAM.0001"},
		{"UnknownProject", passwordBody("acme", "admin", e.Creds.Password, `{"project":{"name":"mars-1"}}`), 400, "IAM.1109"},
		{"OtherDomain", passwordBody("acme", "admin", e.Creds.Password, `{"domain":{"name":"other"}}`), 400, "IAM.0003"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", tc.body))
			wantError(t, res, tc.status, tc.code)
			if _, ok := res.Body["error"].(map[string]any); !ok {
				t.Fatalf("no Keystone error object: %s", res.Raw)
			}
		})
	}
}

func TestPasswordLockout(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	for i := 0; i < 5; i++ {
		wantError(t, do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "admin", "wrong-password", `{}`))), 401, "IAM.0062")
	}
	// Locked now, even with the right password.
	wantError(t, do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "admin", e.Creds.Password, `{}`))), 401, "IAM.0061")
	e.clock.Add(5*time.Minute + time.Second)
	e.token(t, `{}`)
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	tok := e.token(t, `{"project":{"name":"local"}}`)
	withToken := func(token string) *http.Request {
		req := newRequest(t, "GET", e.URL+"/v3/projects", "")
		req.Header.Set("X-Auth-Token", token)
		return req
	}
	t.Run("Token", func(t *testing.T) {
		res := do(t, withToken(tok))
		if res.Status != 200 {
			t.Fatalf("status %d: %s", res.Status, res.Raw)
		}
		ps := res.Body["projects"].([]any)
		if len(ps) != 1 || ps[0].(map[string]any)["id"] != e.Creds.ProjectID {
			t.Fatalf("projects = %v", ps)
		}
	})
	t.Run("Signed", func(t *testing.T) {
		res := do(t, e.signed(t, "GET", "/v3/projects?name=local", "", time.Now(), e.Creds.SecretKey))
		if res.Status != 200 || len(res.Body["projects"].([]any)) != 1 {
			t.Fatalf("status %d: %s", res.Status, res.Raw)
		}
		res = do(t, e.signed(t, "GET", "/v3/projects?name=nope", "", time.Now(), e.Creds.SecretKey))
		if res.Status != 200 || len(res.Body["projects"].([]any)) != 0 {
			t.Fatalf("filter by unknown name: %d %s", res.Status, res.Raw)
		}
	})
	t.Run("NoCredentials", func(t *testing.T) {
		wantError(t, do(t, newRequest(t, "GET", e.URL+"/v3/projects", "")), 401, "APIGW.0301")
	})
	t.Run("BadToken", func(t *testing.T) {
		wantError(t, do(t, withToken("MIIRnot-a-token")), 401, "APIGW.0301")
	})
	t.Run("WrongSecret", func(t *testing.T) {
		wantError(t, do(t, e.signed(t, "GET", "/v3/projects", "", time.Now(), "not-the-secret-key-at-all")), 401, "APIGW.0301")
	})
	t.Run("StaleDate", func(t *testing.T) {
		wantError(t, do(t, e.signed(t, "GET", "/v3/projects", "", time.Now().Add(-16*time.Minute), e.Creds.SecretKey)), 401, "APIGW.0301")
	})
	t.Run("UnknownAK", func(t *testing.T) {
		req := newRequest(t, "GET", e.URL+"/v3/projects", "")
		aksk.Sign(req, nil, "AKUNKNOWN00000000000", "whatever-secret", time.Now())
		wantError(t, do(t, req), 401, "APIGW.0301")
	})
	t.Run("TamperedBody", func(t *testing.T) {
		req := e.signed(t, "DELETE", "/v3/auth/tokens", `{"a":1}`, time.Now(), e.Creds.SecretKey)
		req.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
		wantError(t, do(t, req), 401, "APIGW.0301")
	})
}

func TestTokenExpiryAndRevocation(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	get := func(token string) response {
		req := newRequest(t, "GET", e.URL+"/v3/projects", "")
		req.Header.Set("X-Auth-Token", token)
		return do(t, req)
	}
	tok := e.token(t, `{}`)
	if res := get(tok); res.Status != 200 {
		t.Fatalf("fresh token: %d %s", res.Status, res.Raw)
	}
	e.clock.Add(24*time.Hour + time.Second)
	wantError(t, get(tok), 401, "APIGW.0307")

	e.clock.Add(-24 * time.Hour)
	tok = e.token(t, `{}`)
	other := e.token(t, `{}`)
	req := newRequest(t, "DELETE", e.URL+"/v3/auth/tokens", "")
	req.Header.Set("X-Auth-Token", other)
	req.Header.Set("X-Subject-Token", tok)
	if res := do(t, req); res.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.Status, res.Raw)
	}
	wantError(t, get(tok), 401, "APIGW.0301")
	if res := get(other); res.Status != 200 {
		t.Fatalf("revoking one token broke another: %d", res.Status)
	}
}

// A user may revoke only its own tokens; the account administrator may
// revoke any token of the account (Keystone's identity:revoke_token rule).
func TestTokenRevocationIsLimitedToOwnTokens(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	if _, _, err := e.IAM.CreateUser(context.Background(), "acme", "alice", "alice-password"); err != nil {
		t.Fatal(err)
	}
	aliceToken := func() string {
		res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "alice", "alice-password", `{}`)))
		if res.Status != http.StatusCreated {
			t.Fatalf("alice's token: %d %s", res.Status, res.Raw)
		}
		return res.Header.Get("X-Subject-Token")
	}
	revoke := func(caller *http.Request, subject string) response {
		caller.Header.Set("X-Subject-Token", subject)
		return do(t, caller)
	}
	withToken := func(token string) *http.Request {
		req := newRequest(t, "DELETE", e.URL+"/v3/auth/tokens", "")
		req.Header.Set("X-Auth-Token", token)
		return req
	}
	valid := func(token string) bool {
		req := newRequest(t, "GET", e.URL+"/v3/projects", "")
		req.Header.Set("X-Auth-Token", token)
		return do(t, req).Status == http.StatusOK
	}

	admin, alice := e.token(t, `{}`), aliceToken()
	res := revoke(withToken(alice), admin)
	wantError(t, res, http.StatusForbidden, "IAM.0002")
	if _, ok := res.Body["error"].(map[string]any); !ok {
		t.Fatalf("no Keystone error object: %s", res.Raw)
	}
	if !valid(admin) {
		t.Fatal("a token another user failed to revoke stopped working")
	}
	if res := revoke(withToken(alice), alice); res.Status != http.StatusNoContent {
		t.Fatalf("alice revoking her own token: %d %s", res.Status, res.Raw)
	}
	if valid(alice) {
		t.Fatal("alice's revoked token still works")
	}
	// The administrator revokes any token of the account, with a token or
	// with an access key.
	for _, caller := range []*http.Request{withToken(admin), e.signed(t, "DELETE", "/v3/auth/tokens", "", time.Now(), e.Creds.SecretKey)} {
		victim := aliceToken()
		if res := revoke(caller, victim); res.Status != http.StatusNoContent {
			t.Fatalf("the administrator revoking alice's token: %d %s", res.Status, res.Raw)
		}
		if valid(victim) {
			t.Fatal("a token the administrator revoked still works")
		}
	}
}

func TestAccessKeyLockout(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{})
	for i := 0; i < 5; i++ {
		wantError(t, do(t, e.signed(t, "GET", "/v3/projects", "", e.clock.Now(), "bad-secret-bad-secret")), 401, "APIGW.0301")
	}
	res := do(t, e.signed(t, "GET", "/v3/projects", "", e.clock.Now(), e.Creds.SecretKey))
	wantError(t, res, 401, "APIGW.0301")
	if !strings.Contains(res.Body["error_msg"].(string), "limit") {
		t.Fatalf("locked message = %q", res.Body["error_msg"])
	}
	e.clock.Add(5*time.Minute + time.Second)
	if res := do(t, e.signed(t, "GET", "/v3/projects", "", e.clock.Now(), e.Creds.SecretKey)); res.Status != 200 {
		t.Fatalf("after lockout: %d %s", res.Status, res.Raw)
	}
}

func TestGatewayErrors(t *testing.T) {
	t.Parallel()
	e := MustServe(t, httpapi.Config{MaxBodyBytes: 2048, RateLimit: 1, RateBurst: 3})
	t.Run("UnknownRoute", func(t *testing.T) {
		wantError(t, do(t, newRequest(t, "GET", e.URL+"/v1/x/nothing-here", "")), 404, "APIGW.0101")
		wantError(t, do(t, newRequest(t, "PATCH", e.URL+"/v3/projects", "")), 404, "APIGW.0101")
	})
	t.Run("BodyTooLarge", func(t *testing.T) {
		big := `{"auth":"` + strings.Repeat("x", 4096) + `"}`
		wantError(t, do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", big)), 413, "APIGW.0201")
		// Also when the length is not announced up front.
		req := newRequest(t, "POST", e.URL+"/v3/auth/tokens", "")
		req.Body = io.NopCloser(bytes.NewReader([]byte(big)))
		req.ContentLength = -1
		wantError(t, do(t, req), 413, "APIGW.0201")
	})
	t.Run("RateLimit", func(t *testing.T) {
		throttled := false
		for i := 0; i < 6 && !throttled; i++ {
			res := do(t, e.signed(t, "GET", "/v3/projects", "", time.Now(), e.Creds.SecretKey))
			if res.Status == 429 {
				wantError(t, res, 429, "APIGW.0308")
				throttled = true
			}
		}
		if !throttled {
			t.Fatal("6 requests at 1/s with burst 3 were never throttled")
		}
	})
	t.Run("Probes", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			if res := do(t, newRequest(t, "GET", e.URL+p, "")); res.Status != 200 {
				t.Fatalf("%s: %d", p, res.Status)
			}
		}
	})
}

// testPasswordIterations keeps password hashing cheap in tests, which
// bootstrap a fresh account per server; the hashing itself is tested at the
// production cost in package iam.
const testPasswordIterations = 1000
