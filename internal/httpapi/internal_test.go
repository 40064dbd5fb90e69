package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// These tests mount extra routes on the real middleware, to exercise
// behaviour no product route triggers on purpose (panics) and project
// scoping before the product families exist.

func TestPanicBecomesFamilyError(t *testing.T) {
	t.Parallel()
	s := &server{cfg: DefaultConfig(), log: testLogger(t)}
	for _, tc := range []struct {
		path, key, code string
	}{
		{"/v1/p/waf/policy", "error_code", "WAF.00020001"},
		{"/v1/p/workspaces/w/soc/policys", "code", "SecMaster.00000500"},
		{"/v2/p/access-policy", "error_code", "WKS.0003"},
		{"/other", "error_code", "APIGW.0601"},
	} {
		h := s.logRequests(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != 500 {
			t.Fatalf("%s: status %d", tc.path, rec.Code)
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body[tc.key] != tc.code {
			t.Fatalf("%s: body %v, want %s=%s", tc.path, body, tc.key, tc.code)
		}
	}
}

func TestProjectScoping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	idm := iam.New(db, iam.Config{PasswordIterations: testPasswordIterations})
	creds, _, err := idm.Bootstrap(ctx, iam.BootstrapInput{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := idm.CreateProject(ctx, creds.Account, "other", "")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cfg: DefaultConfig(), log: testLogger(t), iam: idm, limiters: newLimiterSet(0, 0)}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/{project_id}/waf/policy", s.authn(familyWAF, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	srv := httptest.NewServer(s.logRequests(mux))
	defer srv.Close()

	call := func(project string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/"+project+"/waf/policy", nil)
		aksk.Sign(req, nil, creds.AccessKey, creds.SecretKey, time.Now())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		code, _ := body["error_code"].(string)
		return res.StatusCode, code
	}
	if st, _ := call(creds.ProjectID); st != http.StatusNoContent {
		t.Fatalf("own project: %d", st)
	}
	if st, code := call(other.ID); st != 403 || code != "APIGW.0302" {
		t.Fatalf("ungranted project: %d %s", st, code)
	}
	if st, code := call("0123456789abcdef0123456789abcdef"); st != 403 || code != "APIGW.0302" {
		t.Fatalf("unknown project: %d %s", st, code)
	}
	if _, err := idm.Grant(ctx, creds.Account, "admin", "other"); err != nil {
		t.Fatal(err)
	}
	if st, _ := call(other.ID); st != http.StatusNoContent {
		t.Fatalf("after grant: %d", st)
	}
}
