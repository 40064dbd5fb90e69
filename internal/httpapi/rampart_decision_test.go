package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// decWriteTimeout is the write timeout of the decision test server.
const decWriteTimeout = 2 * time.Second

// decEnv is a real server with the decision registry refreshed every 10 ms.
type decEnv struct {
	*testEnv
	t testing.TB
}

func mustServeDecisions(tb testing.TB) *decEnv {
	tb.Helper()
	return mustServeDecisionsEvery(tb, 10*time.Millisecond)
}

// mustServeDecisionsEvery is mustServeDecisions with the registry polling
// every interval.
func mustServeDecisionsEvery(tb testing.TB, interval time.Duration) *decEnv {
	tb.Helper()
	return mustServeDecisionsWithin(tb, interval, decWriteTimeout)
}

// mustServeDecisionsWithin is mustServeDecisionsEvery with the server's
// write timeout (the longest a request may take before its connection is
// closed).
func mustServeDecisionsWithin(tb testing.TB, interval, writeTimeout time.Duration) *decEnv {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	ws := workspace.New(db, workspace.Config{})
	reg := enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: ws, Revisions: db}, nil, nil, nil)
	// The IAM layer asks the engines, as serve's does.
	idm := iam.New(db, iam.Config{PasswordIterations: testPasswordIterations, UserBlocked: decision.UserBlockedBy(reg, nil)})
	creds, created, err := idm.Bootstrap(ctx, iam.BootstrapInput{AccountName: "acme", AdminPassword: "correct horse battery"})
	if err != nil || !created {
		tb.Fatalf("bootstrap: created=%v err=%v", created, err)
	}
	e := &decEnv{t: tb, testEnv: &testEnv{Creds: creds, IAM: idm, DB: db,
		WAF: waf.NewService(db, nil), Workspace: ws, SecMaster: sm, Decisions: reg}}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { reg.Run(rctx, interval); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewUnstartedServer(httpapi.NewServer(httpapi.Config{RateLimit: 0}, httpapi.Deps{IAM: idm, Store: db,
		WAF: e.WAF, Workspace: e.Workspace, SecMaster: sm, Decisions: reg, Feed: reg}))
	srv.Config.WriteTimeout = writeTimeout // as serve has one (60 s)
	srv.Start()
	tb.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

func (e *decEnv) call(method, path, body string) response {
	e.t.Helper()
	return do(e.t, e.signed(e.t, method, path, body, time.Now(), e.Creds.SecretKey))
}

func (e *decEnv) get(query string) response {
	e.t.Helper()
	return e.call("GET", "/v1/"+e.Creds.ProjectID+"/rampart/decisions?"+query, "")
}

func (e *decEnv) post(body string) response {
	e.t.Helper()
	return e.call("POST", "/v1/"+e.Creds.ProjectID+"/rampart/decisions", body)
}

// smBlock creates a SecMaster BLOCK policy delivered to the env's project.
func (e *decEnv) smBlock(layer, typ, object string) {
	e.t.Helper()
	ctx := context.Background()
	wss, _, err := e.SecMaster.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: e.Creds.ProjectID})
	if err != nil || len(wss) == 0 {
		e.t.Fatalf("workspaces: %v %v", wss, err)
	}
	no := false
	in := &secmaster.PolicyInput{BlockAge: &secmaster.BlockAge{IsBlockAgeing: &no}, BlockTarget: object,
		Category: secmaster.CategoryBlock, PolicyType: &typ, RegionID: "r",
		Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
			DefenseType: layer, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: e.Creds.ProjectID, TargetProjectName: "p"}}}
	if _, err := e.SecMaster.CreatePolicy(ctx, e.Creds.ProjectID, wss[0].ID, in); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.SecMaster.DeliverPending(ctx); err != nil {
		e.t.Fatal(err)
	}
}

// within polls the decision API until want holds. The deadline is generous:
// this asserts that writes take effect, not how fast.
func (e *decEnv) within(what string, query string, want func(map[string]any) bool) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := e.get(query)
		if res.Status != 200 {
			e.t.Fatalf("%s: %d %s", what, res.Status, res.Raw)
		}
		if want(res.Body) {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: not in force within 10 s: %s", what, res.Raw)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestDecisionAPIReflectsWrites(t *testing.T) {
	e := mustServeDecisions(t)
	ctx := context.Background()

	res := e.get("layer=cfw&ip=203.0.113.7")
	if res.Status != 200 || res.Body["action"] != "allow" || res.Body["rule_type"] != "" {
		t.Fatalf("before: %d %s", res.Status, res.Raw)
	}
	for _, k := range []string{"action", "rule_type", "rule_id", "policy_id", "match"} {
		if _, ok := res.Body[k]; !ok {
			t.Errorf("field %s missing: %s", k, res.Raw)
		}
	}

	e.smBlock(secmaster.LayerCFW, secmaster.TypeSourceIP, "203.0.113.0/24")
	e.within("cfw block", "layer=cfw&ip=203.0.113.7", func(b map[string]any) bool {
		return b["action"] == "block" && b["rule_type"] == "emergency" && b["match"] == "203.0.113.0/24" && b["policy_id"] != ""
	})
	if res := e.get("layer=vpc&ip=203.0.113.7"); res.Body["action"] != "allow" {
		t.Fatalf("vpc: %s", res.Raw)
	}

	e.smBlock(secmaster.LayerIAM, secmaster.TypeUserName, "mallory")
	e.within("iam block", "layer=iam&user=mallory", func(b map[string]any) bool {
		return b["action"] == "block" && b["match"] == "mallory"
	})

	// WAF: a whiteblackip block on a host's policy.
	name, proxy := "www.example.com", false
	h, err := e.WAF.CreateHost(ctx, e.Creds.ProjectID, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
		Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	block := 0
	rules, err := e.WAF.CreateWhiteBlackIPRules(ctx, e.Creds.ProjectID, "0", []string{h.PolicyID}, &waf.WhiteBlackIPInput{Name: "b", Addr: "2001:db8::/32", White: &block})
	if err != nil {
		t.Fatal(err)
	}
	e.within("waf block", "layer=waf&host=WWW.Example.com&ip=2001:db8::1", func(b map[string]any) bool {
		return b["action"] == "block" && b["rule_type"] == "whiteblackip" && b["rule_id"] == rules[0].ID && b["policy_id"] == h.PolicyID
	})
	if res := e.get("layer=waf&host=other.example.com&ip=2001:db8::1"); res.Body["action"] != "allow" {
		t.Fatalf("unbound host: %s", res.Raw)
	}

	// Workspace: a whitelist for group g1 only.
	on := true
	_, err = e.Workspace.Create(ctx, e.Creds.ProjectID, workspace.CreateInput{
		Policy:  &workspace.PolicyInput{AccessControlType: workspace.ControlIPWhiteList, Enabled: &on, IPs: []workspace.IPInput{{Address: "198.51.100.0", Mask: "24"}}},
		Objects: []workspace.Object{{Type: workspace.ObjectUserGroup, ID: "g1", Name: "g1"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.within("workspace", "layer=workspace&user=u1&groups=g0,g1&ip=203.0.113.7", func(b map[string]any) bool {
		return b["action"] == "block" && b["rule_type"] == "workspace_access_policy"
	})
	if res := e.get("layer=workspace&user=u1&groups=g0&ip=203.0.113.7"); res.Body["action"] != "allow" {
		t.Fatalf("other group: %s", res.Raw)
	}

	// The batch answers in order.
	res = e.post(`{"checks":[{"layer":"cfw","ip":"203.0.113.7"},{"layer":"cfw","ip":"192.0.2.1"},` +
		`{"layer":"iam","user":"mallory"},{"layer":"workspace","user":"u1","groups":["g1"],"ip":"198.51.100.3"},` +
		`{"layer":"workspace","user":"u1","groups":"g1","ip":"203.0.113.7"}],"extra":1}`)
	if res.Status != 200 {
		t.Fatalf("batch: %d %s", res.Status, res.Raw)
	}
	ds := res.Body["decisions"].([]any)
	want := []string{"block", "allow", "block", "allow", "block"}
	if len(ds) != len(want) {
		t.Fatalf("batch: %s", res.Raw)
	}
	for i, w := range want {
		if got := ds[i].(map[string]any)["action"]; got != w {
			t.Errorf("check %d: %v, want %s", i, got, w)
		}
	}
	if res := e.post(`{"checks":[]}`); res.Status != 200 || len(res.Body["decisions"].([]any)) != 0 {
		t.Fatalf("empty batch: %d %s", res.Status, res.Raw)
	}
}

func TestDecisionAPIValidation(t *testing.T) {
	e := mustServeDecisions(t)
	for _, tc := range []struct{ query, field string }{
		{"", "layer"},
		{"layer=dns&ip=1.2.3.4", "layer"},
		{"layer=cfw", "ip"},
		{"layer=vpc&ip=1.2.3", "ip"},
		{"layer=cfw&ip=10.0.0.0/8", "ip"},
		{"layer=cfw&ip=fe80::1%25eth0", "ip"},
		{"layer=cfw&ip=1.2.3.4&ip=5.6.7.8", "ip"},
		{"layer=waf", "ip"},
		{"layer=waf&ip=1.2.3.4&host=a%20b", "host"},
		{"layer=waf&ip=1.2.3.4&host=" + strings.Repeat("a", 256), "host"},
		{"layer=iam", "user"},
		{"layer=iam&user=a%00b", "user"},
		{"layer=workspace&ip=1.2.3.4", "user"},
		{"layer=workspace&user=u", "ip"},
		{"layer=workspace&user=u&ip=1.2.3.4&groups=a,,b", "groups"},
		{"layer=workspace&user=u&ip=1.2.3.4&groups=" + strings.Repeat("g,", 100) + "g", "groups"},
		// A misspelt parameter would silently give another (default allow) answer.
		{"layer=waf&ip=1.2.3.4&hots=www.example.com", "hots"},
		{"layer=workspace&user=u&ip=1.2.3.4&group=g1", "group"},
	} {
		res := e.get(tc.query)
		if res.Status != 400 || res.Body["error_code"] != "RAMPART.DEC.0001" || !strings.Contains(fmt.Sprint(res.Body["error_msg"]), tc.field) {
			t.Errorf("%q: %d %s", tc.query, res.Status, res.Raw)
		}
	}
	many := `{"checks":[` + strings.Repeat(`{"layer":"iam","user":"u"},`, 1000) + `{"layer":"iam","user":"u"}]}`
	for _, tc := range []struct{ body, want string }{
		{`{}`, "checks"},
		{`{"checks":[{"layer":"cfw","ip":"1.2.3.4"},{"layer":"cfw","ip":"x"}]}`, "checks[1].ip"},
		{`{"checks":[{"layer":"workspace","user":"u","ip":"1.2.3.4","groups":5}]}`, "groups"},
		{`{"checks":"x"}`, "checks"},
		{`not json`, "JSON"},
		{many, "1000"},
		{`{"checks":[{"layer":"waf","ip":"1.2.3.4","hots":"www.example.com"}]}`, "hots"},
	} {
		res := e.post(tc.body)
		if res.Status != 400 || res.Body["error_code"] != "RAMPART.DEC.0001" || !strings.Contains(fmt.Sprint(res.Body["error_msg"]), tc.want) {
			t.Errorf("%.60s: %d %s", tc.body, res.Status, res.Raw)
		}
	}
	// Exactly the cap is accepted.
	capBody := `{"checks":[` + strings.Repeat(`{"layer":"iam","user":"u"},`, 999) + `{"layer":"iam","user":"u"}]}`
	if res := e.post(capBody); res.Status != 200 || len(res.Body["decisions"].([]any)) != 1000 {
		t.Errorf("1000 checks: %d", res.Status)
	}
}

func TestDecisionAPIAuthentication(t *testing.T) {
	e := mustServeDecisions(t)
	res := do(t, newRequest(t, "GET", e.URL+"/v1/"+e.Creds.ProjectID+"/rampart/decisions?layer=iam&user=u", ""))
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d %s", res.Status, res.Raw)
	}
	other := "00000000000000000000000000000000"
	res = e.call("GET", "/v1/"+other+"/rampart/decisions?"+url.Values{"layer": {"iam"}, "user": {"u"}}.Encode(), "")
	if res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized && res.Status != http.StatusNotFound {
		t.Fatalf("other project: %d %s", res.Status, res.Raw)
	}
}
