package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The served decision API is wired to the stores: a Workspace whitelist
// written over HTTP decides a connection shortly after.
func TestServeDecisionAPI(t *testing.T) {
	dir := t.TempDir()
	url, _, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"})
	defer stop()
	pid, call := apiClient(t, url, dir, "acme", "first-password")
	q := "/v1/" + pid + "/rampart/decisions?layer=workspace&user=u1&ip=203.0.113.7"
	if st, out := call("GET", q, ""); st != 200 || out["action"] != "allow" {
		t.Fatalf("before: %d %v", st, out)
	}
	if st, out := call("POST", "/v2/"+pid+"/access-policy",
		`{"policy":{"access_control_type":"IP_WHITE_LIST","is_enable":true,"ip_list":[{"ip_address":"198.51.100.0","subnet_mask":"24"}]}}`); st/100 != 2 {
		t.Fatalf("create access policy: %d %v", st, out)
	}
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		st, out := call("GET", q, "")
		if st == 200 && out["action"] == "block" && out["rule_type"] == "workspace_access_policy" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not in force: %d %v", st, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// apiClient logs in as the bootstrapped admin and returns the project ID
// and a function calling the API with the token.
func apiClient(t testing.TB, url, dir, account, password string) (string, func(method, path, body string) (int, map[string]any)) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	var creds map[string]string
	if err := json.Unmarshal(raw, &creds); err != nil {
		t.Fatal(err)
	}
	pid := creds["project_id"]
	return pid, projectClient(t, url, account, password, pid)
}

// projectClient returns a caller of the API with a token of the admin user
// scoped to project pid.
func projectClient(t testing.TB, url, account, password, pid string) func(method, path, body string) (int, map[string]any) {
	t.Helper()
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"` + password + `","domain":{"name":"` + account + `"}}}},"scope":{"project":{"id":"` + pid + `"}}}}`
	res, err := http.Post(url+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	tok := res.Header.Get("X-Subject-Token")
	if res.StatusCode != 201 || tok == "" {
		t.Fatalf("token: %d", res.StatusCode)
	}
	return func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", tok)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			var list []any // a bare array (e.g. ListStatistics) is returned as "body"
			if json.Unmarshal(b, &list) == nil {
				out = map[string]any{"body": list}
			}
		}
		return res.StatusCode, out
	}
}
