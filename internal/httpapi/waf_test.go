package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// wafEnv is a real server with the WAF service wired in, and a second
// project granted to the same user for isolation tests.
type wafEnv struct {
	*testEnv
	Other string // ID of a second project
}

// MustServeWAF starts a server (MustServe) and grants its user a second
// project.
func MustServeWAF(tb testing.TB) *wafEnv {
	tb.Helper()
	return mustServeWAF(tb)
}

func mustServeWAF(tb testing.TB, opts ...serveOption) *wafEnv {
	tb.Helper()
	e := MustServe(tb, httpapi.Config{}, opts...)
	ctx := context.Background()
	other, err := e.IAM.CreateProject(ctx, "acme", "other-region", "")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, "acme", e.Creds.User, other.ID); err != nil {
		tb.Fatal(err)
	}
	return &wafEnv{testEnv: e, Other: other.ID}
}

// call sends a signed request to /v1/{project}/waf/<path> of the main project.
func (e *wafEnv) call(tb testing.TB, method, path, body string) response {
	tb.Helper()
	return e.callIn(tb, e.Creds.ProjectID, method, path, body)
}

func (e *wafEnv) callIn(tb testing.TB, project, method, path, body string) response {
	tb.Helper()
	return do(tb, e.signedRequest(tb, project, method, path, body))
}

// signedRequest is a WAF request of the project, signed with its access key.
func (e *wafEnv) signedRequest(tb testing.TB, project, method, path, body string) *http.Request {
	tb.Helper()
	req := newRequest(tb, method, e.URL+"/v1/"+project+"/waf/"+path, body)
	if body != "" {
		req.Header.Set("Content-Type", "application/json;charset=utf8")
	}
	req.Header.Set("X-Project-Id", project)
	aksk.Sign(req, []byte(body), e.Creds.AccessKey, e.Creds.SecretKey, e.clock.Now())
	return req
}

// ok fails unless res is a 200.
func ok(tb testing.TB, res response) map[string]any {
	tb.Helper()
	if res.Status != http.StatusOK {
		tb.Fatalf("status %d: %s", res.Status, res.Raw)
	}
	return res.Body
}

func (e *wafEnv) revision(tb testing.TB) int64 {
	tb.Helper()
	rev, err := e.DB.Revision(context.Background(), e.Creds.ProjectID, rampart.FamilyWAF)
	if err != nil {
		tb.Fatal(err)
	}
	return rev
}

// mustPolicy creates a policy and returns its ID.
func (e *wafEnv) mustPolicy(tb testing.TB, name string) string {
	tb.Helper()
	body := ok(tb, e.call(tb, "POST", "policy", `{"name":"`+name+`"}`))
	return body["id"].(string)
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func items(tb testing.TB, body map[string]any) []any {
	tb.Helper()
	it, ok := body["items"].([]any)
	if !ok {
		tb.Fatalf("items is not an array: %v", body)
	}
	return it
}

func TestWAFPolicyLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	rev0 := e.revision(t)
	p := ok(t, e.call(t, "POST", "policy?enterprise_project_id=0", `{"name":"demo_policy"}`))
	id := str(p["id"])
	if len(id) != 32 || p["name"] != "demo_policy" || num(p["level"]) != 2 || p["full_detection"] != false {
		t.Fatalf("create: %v", p)
	}
	opts := p["options"].(map[string]any)
	if len(opts) != len(waf.OptionNames) || opts["geoip"] != true || opts["whiteblackip"] != true {
		t.Fatalf("options: %v", opts)
	}
	if _, ok := p["hosts"].([]any); !ok {
		t.Fatalf("hosts must be an array: %v", p["hosts"])
	}
	if e.revision(t) <= rev0 {
		t.Fatal("create did not bump the revision")
	}

	// Terraform's PATCH right after create.
	rev1 := e.revision(t)
	up := ok(t, e.call(t, "PATCH", "policy/"+id, `{"name":"demo_policy","level":3,"full_detection":true,
		"action":{"category":"block"},"robot_action":{"category":"block"},
		"options":{"webattack":true,"geoip":false,"whiteblackip":false,"crawler":false,"unknown_switch":true},
		"extend":{"extend":"{\"deep_decode\":true}"}}`))
	o := up["options"].(map[string]any)
	if num(up["level"]) != 3 || up["full_detection"] != true || o["geoip"] != false || o["whiteblackip"] != false ||
		o["crawler"] != true || up["action"].(map[string]any)["category"] != "block" {
		t.Fatalf("patch: %v", up)
	}
	if _, ok := o["unknown_switch"]; ok {
		t.Fatal("unknown option stored")
	}
	if e.revision(t) != rev1+1 {
		t.Fatal("patch did not bump the revision once")
	}
	show := ok(t, e.call(t, "GET", "policy/"+id, ""))
	if show["options"].(map[string]any)["geoip"] != false || show["extend"].(map[string]any)["extend"] != `{"deep_decode":true}` {
		t.Fatalf("show after patch: %v", show)
	}

	// Copy, list, batch delete.
	cp := ok(t, e.call(t, "POST", "policies/"+id+"/copy?dest_policy_name=copy_of_demo", ""))
	if cp["name"] != "copy_of_demo" || cp["id"] == id || num(cp["level"]) != 3 {
		t.Fatalf("copy: %v", cp)
	}
	wantError(t, e.call(t, "POST", "policies/"+id+"/copy?dest_policy_name=copy_of_demo", ""), 400, "WAF.00011016")
	wantError(t, e.call(t, "POST", "policies/"+id+"/copy", ""), 400, "WAF.00021002")
	list := ok(t, e.call(t, "GET", "policy?page=1&pagesize=1", ""))
	if num(list["total"]) != 2 || len(items(t, list)) != 1 {
		t.Fatalf("list: %v", list)
	}
	past := ok(t, e.call(t, "GET", "policy?page=3&pagesize=1", ""))
	if num(past["total"]) != 2 || len(items(t, past)) != 0 {
		t.Fatalf("list past the end: %v", past)
	}
	named := ok(t, e.call(t, "GET", "policy?name=copy", ""))
	if num(named["total"]) != 1 {
		t.Fatalf("name filter: %v", named)
	}
	bd := ok(t, e.call(t, "POST", "policies/batch-delete", `{"policy_ids":["`+str(cp["id"])+`"]}`))
	if ids := bd["policy_ids"].([]any); len(ids) != 1 || ids[0] != cp["id"] {
		t.Fatalf("batch delete: %v", bd)
	}
	del := ok(t, e.call(t, "DELETE", "policy/"+id, ""))
	if del["id"] != id {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "policy/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "DELETE", "policy/"+id, ""), 404, "WAF.00022001")
}

func TestWAFPolicyValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	id := e.mustPolicy(t, "base")
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoName", "POST", "policy", `{}`, 400, "WAF.00021005"},
		{"EmptyBody", "POST", "policy", ``, 400, "WAF.00021005"},
		{"BadName", "POST", "policy", `{"name":"a b"}`, 400, "WAF.00021005"},
		{"LongName", "POST", "policy", `{"name":"` + strings.Repeat("a", 65) + `"}`, 400, "WAF.00021005"},
		{"DuplicateName", "POST", "policy", `{"name":"base"}`, 400, "WAF.00011016"},
		{"NotJSON", "POST", "policy", `{"name":`, 400, "WAF.00021003"},
		{"NameNotString", "POST", "policy", `{"name":5}`, 400, "WAF.00021003"},
		{"AllEPSWrite", "POST", "policy?enterprise_project_id=all_granted_eps", `{"name":"x"}`, 400, "WAF.00012010"},
		{"BadEP", "POST", "policy?enterprise_project_id=a/b", `{"name":"x"}`, 400, "WAF.00021002"},
		{"Level", "PATCH", "policy/" + id, `{"level":4}`, 400, "WAF.00021003"},
		{"Action", "PATCH", "policy/" + id, `{"action":{"category":"drop"}}`, 400, "WAF.00021014"},
		{"RobotAction", "PATCH", "policy/" + id, `{"robot_action":{"category":"drop"}}`, 400, "WAF.00021014"},
		{"PatchUnknown", "PATCH", "policy/0123456789abcdef0123456789abcdef", `{"level":1}`, 404, "WAF.00022001"},
		{"BadID", "GET", "policy/bad%2Fid", ``, 400, "WAF.00021004"},
		{"PageZero", "GET", "policy?page=0", ``, 400, "WAF.00021020"},
		{"PageSizeBig", "GET", "policy?pagesize=101", ``, 400, "WAF.00021020"},
		{"PageSizeText", "GET", "policy?pagesize=ten", ``, 400, "WAF.00021020"},
		{"BatchEmpty", "POST", "policies/batch-delete", `{"policy_ids":[]}`, 400, "WAF.00021003"},
		{"BatchUnknown", "POST", "policies/batch-delete", `{"policy_ids":["` + id + `","0123456789abcdef0123456789abcdef"]}`, 404, "WAF.00022001"},
		{"BindNoHosts", "PUT", "policy/" + id, ``, 400, "WAF.00021002"},
		{"BindUnknownHost", "PUT", "policy/" + id + "?hosts=0123456789abcdef0123456789abcdef", ``, 404, "WAF.00022001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.revision(t)
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
			if e.revision(t) != rev {
				t.Fatal("a refused request changed the revision")
			}
		})
	}
	// Nothing was stored or changed.
	list := ok(t, e.call(t, "GET", "policy", ""))
	if num(list["total"]) != 1 || num(items(t, list)[0].(map[string]any)["level"]) != 2 {
		t.Fatalf("refused requests changed state: %v", list)
	}
}

func TestWAFProjectIsolation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	id := e.mustPolicy(t, "mine")
	wantError(t, e.callIn(t, e.Other, "GET", "policy/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.callIn(t, e.Other, "DELETE", "policy/"+id, ""), 404, "WAF.00022001")
	list := ok(t, e.callIn(t, e.Other, "GET", "policy", ""))
	if num(list["total"]) != 0 || len(items(t, list)) != 0 {
		t.Fatalf("other project sees: %v", list)
	}
	// Rules, groups and hosts of the project are invisible and untouchable
	// from the other one.
	geo := str(ok(t, e.call(t, "POST", "policy/"+id+"/geoip", `{"white":0,"geoip":"CN"}`))["id"])
	wb := str(ok(t, e.call(t, "POST", "policy/"+id+"/whiteblackip", `{"name":"x","addr":"192.0.2.1","white":0}`))["id"])
	rep := str(ok(t, e.call(t, "POST", "policy/"+id+"/ip-reputation", `{"name":"x","type":"idc","tags":["HW"],"action":{"category":"block"}}`))["id"])
	grp := str(ok(t, e.call(t, "POST", "ip-groups", `{"name":"g","ips":"192.0.2.0/24"}`))["id"])
	host := str(ok(t, e.call(t, "POST", "instance", `{"hostname":"a.example.com","policyid":"`+id+`","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.1","port":80,"type":"ipv4"}],"proxy":false}`))["id"])
	rev := e.revision(t)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "policy/" + id + "/geoip/" + geo, ""},
		{"PUT", "policy/" + id + "/geoip/" + geo, `{"white":1,"geoip":"US"}`},
		{"DELETE", "policy/" + id + "/whiteblackip/" + wb, ""},
		{"GET", "policy/" + id + "/ip-reputation/" + rep, ""},
		{"PUT", "policy/" + id + "/ip-reputation/" + rep + "/status", `{"status":0}`},
		{"POST", "policy/" + id + "/geoip", `{"white":0,"geoip":"US"}`},
		{"GET", "policy/" + id + "/whiteblackip", ""},
		{"POST", "rule/geoip/batch-delete", `{"policy_rule_ids":[{"policy_id":"` + id + `","rule_ids":["` + geo + `"]}]}`},
		{"GET", "ip-group/" + grp, ""},
		{"DELETE", "ip-group/" + grp, ""},
		{"GET", "instance/" + host, ""},
		{"PUT", "instance/" + host + "/protect-status", `{"protect_status":0}`},
		{"POST", "policies/" + id + "/copy?dest_policy_name=stolen", ""},
	} {
		wantError(t, e.callIn(t, e.Other, c.method, c.path, c.body), 404, "WAF.00022001")
	}
	for _, path := range []string{"rule/geoip?policyids=" + id, "rule/whiteblackip?policyids=" + id, "rule/ip-reputation?policyids=" + id, "ip-groups", "instance"} {
		if n := num(ok(t, e.callIn(t, e.Other, "GET", path, ""))["total"]); n != 0 {
			t.Fatalf("%s from the other project: total %d", path, n)
		}
	}
	if e.revision(t) != rev {
		t.Fatal("the other project's refused requests changed this project's revision")
	}
	// The same name is free in the other project.
	ok(t, e.callIn(t, e.Other, "POST", "policy", `{"name":"mine"}`))
	// Enterprise projects partition lists.
	ok(t, e.call(t, "POST", "policy?enterprise_project_id=1b2c3d4e-aaaa-bbbb-cccc-0123456789ab", `{"name":"ep_policy"}`))
	if n := num(ok(t, e.call(t, "GET", "policy", ""))["total"]); n != 1 {
		t.Fatalf("default EP lists %d policies, want 1", n)
	}
	if n := num(ok(t, e.call(t, "GET", "policy?enterprise_project_id=all_granted_eps", ""))["total"]); n != 2 {
		t.Fatalf("all_granted_eps lists %d policies, want 2", n)
	}
}
