package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// smEnv is a real server with the SecMaster service wired in. The delivery
// worker is not running: tests call deliver() to run it once.
type smEnv struct {
	*testEnv
	t    testing.TB
	SM   *secmaster.Service
	ws   string       // default workspace ID
	fail atomic.Int32 // deliveries to fail before succeeding
}

func mustServeSecMaster(tb testing.TB) *smEnv {
	tb.Helper()
	e := &smEnv{t: tb}
	e.testEnv = MustServe(tb, httpapi.Config{RateLimit: 0}, withStoreClock(), withDecisionAPI(), withDeliverer(secmaster.DelivererFunc(
		func(ctx context.Context, p *secmaster.Policy, d *secmaster.DefenseEntry) ([]secmaster.Enforcement, error) {
			if e.fail.Add(-1) >= 0 {
				return nil, errors.New("connection refused by the defense layer")
			}
			return secmaster.LocalDeliverer{}.Deliver(ctx, p, d)
		})))
	e.fail.Store(0)
	e.SM = e.SecMaster
	grantTargets(tb, e.IAM)
	res := e.call("GET", "/v1/"+e.Creds.ProjectID+"/workspaces", "")
	if res.Status != 200 {
		tb.Fatalf("list workspaces: %d %s", res.Status, res.Raw)
	}
	wss := res.Body["workspaces"].([]any)
	if len(wss) != 1 || res.Body["count"].(float64) != 1 {
		tb.Fatalf("default workspaces: %s", res.Raw)
	}
	e.ws = wss[0].(map[string]any)["id"].(string)
	return e
}

// Target projects of the account, granted to the caller: policies may
// deliver there (the caller's own project is e.Creds.ProjectID).
const (
	tp  = "7470000000000000000000000000000a"
	tp1 = "7470310000000000000000000000000a"
	tp2 = "7470320000000000000000000000000a"
)

// grantTargets creates the projects tp, tp1 and tp2 in account acme and
// grants them to its admin.
func grantTargets(tb testing.TB, idm *iam.Service) {
	tb.Helper()
	for _, id := range []string{tp, tp1, tp2} {
		if _, err := idm.CreateProject(context.Background(), "acme", "region-"+id[:6], id); err != nil {
			tb.Fatal(err)
		}
		if _, err := idm.Grant(context.Background(), "acme", iam.AdminUserName, id); err != nil {
			tb.Fatal(err)
		}
	}
}

func (e *smEnv) call(method, path, body string) response {
	e.t.Helper()
	req := e.signed(e.t, method, path, body, time.Now(), e.Creds.SecretKey)
	req.Header.Set("X-Secmaster-Version", "")
	return do(e.t, req)
}

// soc calls a route under the default workspace's /soc.
func (e *smEnv) soc(method, path, body string) response {
	e.t.Helper()
	return e.call(method, "/v1/"+e.Creds.ProjectID+"/workspaces/"+e.ws+"/soc"+path, body)
}

func (e *smEnv) deliver() {
	e.t.Helper()
	if _, err := e.SM.DeliverPending(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	// The decision engines take the delivered state, as serve's poll does.
	if _, err := e.Decisions.Refresh(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *smEnv) revision() int64 {
	e.t.Helper()
	rev, err := e.DB.Revision(context.Background(), e.Creds.ProjectID, rampart.FamilySecMaster)
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

func wantSMError(tb testing.TB, res response, status int, code, mention string) {
	tb.Helper()
	if res.Status != status {
		tb.Fatalf("status = %d, want %d: %s", res.Status, status, res.Raw)
	}
	if got, _ := res.Body["code"].(string); got != code {
		tb.Fatalf("code = %q, want %q: %s", got, code, res.Raw)
	}
	if res.Body["success"] != false {
		tb.Fatalf("success not false: %s", res.Raw)
	}
	if msg, _ := res.Body["message"].(string); msg == "" || !strings.Contains(msg, mention) {
		tb.Fatalf("message %q does not mention %q", msg, mention)
	}
}

func wantOK(tb testing.TB, res response) {
	tb.Helper()
	if res.Status != 200 || res.Body["code"] != "00000000" || res.Body["success"] != true {
		tb.Fatalf("not a success: %d %s", res.Status, res.Raw)
	}
}

// policyBody returns a valid create body with the given overrides of
// data_object fields (raw JSON values; "-" removes the field).
func policyBody(over map[string]string) string {
	fields := map[string]string{
		"region_id":       `"local"`,
		"block_target":    `"1.2.3.4"`,
		"policy_category": `"BLOCK"`,
		"description":     `""`,
		"labels":          `""`,
		"block_age":       `{"is_block_ageing":false,"block_ageing":null}`,
		"policy_type":     `{"policy_type":"Source Ip"}`,
		"defense_policy_list": `[{"defense_connection_id":"c-waf","defense_connection_name":"WAF","defense_type":"WAF",
			"target_enterprise_id":"0","target_enterprise_name":"default","target_project_id":"` + tp1 + `","target_project_name":"local",
			"defense_connection_region_id":"local","defense_connection_region_name":"local"}]`,
	}
	for k, v := range over {
		if v == "-" {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	var parts []string
	for k, v := range fields {
		parts = append(parts, fmt.Sprintf("%q:%s", k, v))
	}
	return `{"data_object":{` + strings.Join(parts, ",") + `}}`
}

func defense(layer, target string) string {
	return fmt.Sprintf(`{"defense_connection_id":"c-%s","defense_connection_name":"%s","defense_type":"%s",
		"target_enterprise_id":"0","target_enterprise_name":"default","target_project_id":"%s","target_project_name":"local",
		"defense_connection_region_id":"local","defense_connection_region_name":"local"}`, strings.ToLower(layer), layer, layer, target)
}

// create posts a policy and returns its ID (found through the task).
func (e *smEnv) create(over map[string]string) string {
	e.t.Helper()
	res := e.soc("POST", "/policys?action_type=create", policyBody(over))
	wantOK(e.t, res)
	task, _ := res.Body["data"].(string)
	if task == "" {
		e.t.Fatalf("no task id: %s", res.Raw)
	}
	tk, err := e.SM.FindTask(context.Background(), e.Creds.ProjectID, task)
	if err != nil {
		e.t.Fatal(err)
	}
	return tk.PolicyIDs[0]
}

func (e *smEnv) show(id string) map[string]any {
	e.t.Helper()
	res := e.soc("GET", "/policys/"+id, "")
	wantOK(e.t, res)
	return res.Body["data"].(map[string]any)["data_object"].(map[string]any)
}

func (e *smEnv) search(body string) response {
	e.t.Helper()
	res := e.soc("POST", "/policys/search", body)
	wantOK(e.t, res)
	if _, ok := res.Body["data"].([]any); !ok {
		e.t.Fatalf("data is not an array: %s", res.Raw)
	}
	return res
}

func entries(p map[string]any) []map[string]any {
	var out []map[string]any
	for _, d := range p["defense_policy_list"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

func (e *smEnv) enforced(target, layer string) []secmaster.Enforcement {
	e.t.Helper()
	es, err := e.SM.Enforcements(context.Background(), target, layer)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

func TestSecMasterWorkspaces(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	base := "/v1/" + e.Creds.ProjectID + "/workspaces"
	res := e.call("POST", base, `{"region_id":"local","name":"soc-team","project_name":"local","description":"d"}`)
	if res.Status != 200 || res.Body["name"] != "soc-team" || res.Body["id"] == "" || res.Body["domain_id"] != e.Creds.AccountID {
		t.Fatalf("create: %d %s", res.Status, res.Raw)
	}
	id := res.Body["id"].(string)
	wantSMError(t, e.call("POST", base, `{"region_id":"local","name":"soc-team","project_name":"local"}`), 409, "SecMaster.20010003", "soc-team")
	for field, body := range map[string]string{
		"region_id":    `{"name":"x","project_name":"local"}`,
		"name":         `{"region_id":"local","project_name":"local"}`,
		"project_name": `{"region_id":"local","name":"x"}`,
	} {
		wantSMError(t, e.call("POST", base, body), 400, "SecMaster.20010002", field)
	}
	res = e.call("GET", base+"?limit=1&offset=1", "")
	if res.Status != 200 || res.Body["count"].(float64) != 2 || len(res.Body["workspaces"].([]any)) != 1 {
		t.Fatalf("list page: %s", res.Raw)
	}
	res = e.call("GET", base+"?offset=5", "")
	if res.Status != 200 || len(res.Body["workspaces"].([]any)) != 0 {
		t.Fatalf("past the end: %s", res.Raw)
	}
	res = e.call("GET", base+"/"+id, "")
	if res.Status != 200 || res.Body["workspace"].(map[string]any)["description"] != "d" {
		t.Fatalf("show: %s", res.Raw)
	}
	res = e.call("PUT", base+"/"+id, `{"name":"renamed"}`)
	if res.Status != 200 || res.Body["name"] != "renamed" || res.Body["description"] != "d" {
		t.Fatalf("update: %s", res.Raw)
	}
	wantSMError(t, e.call("PUT", base+"/"+id, `{"name":""}`), 400, "SecMaster.20010002", "name")
	// A workspace holding policies cannot be deleted.
	e.ws = id
	pid := e.create(nil)
	wantSMError(t, e.call("DELETE", base+"/"+id, ""), 409, "SecMaster.20010003", "policies")
	wantOK(t, e.soc("POST", "/policys/batch-delete", `{"batch_ids":["`+pid+`"]}`))
	if res := e.call("DELETE", base+"/"+id, ""); res.Status != 200 {
		t.Fatalf("delete: %s", res.Raw)
	}
	wantSMError(t, e.call("GET", base+"/"+id, ""), 404, "SecMaster.20011003", id)
	wantSMError(t, e.call("PUT", base+"/"+id, `{"name":"x"}`), 404, "SecMaster.20011003", id)
	wantSMError(t, e.call("DELETE", base+"/"+id, ""), 404, "SecMaster.20011003", id)
	// Policy routes under an unknown workspace: 403 SecMaster.20010001.
	wantSMError(t, e.soc("POST", "/policys?action_type=create", policyBody(nil)), 403, "SecMaster.20010001", id)
	wantSMError(t, e.soc("POST", "/policys/search", `{}`), 403, "SecMaster.20010001", id)
	wantSMError(t, e.soc("GET", "/policys/"+pid, ""), 403, "SecMaster.20010001", id)
	wantSMError(t, e.soc("POST", "/policy-records/search", ``), 403, "SecMaster.20010001", id)
	// The default workspace is not recreated once deleted... but stays here.
	res = e.call("GET", base, "")
	if res.Body["count"].(float64) != 1 {
		t.Fatalf("workspaces after delete: %s", res.Raw)
	}
}

func TestSecMasterCreateValidation(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	future := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	past := strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10)
	rev := e.revision()
	noField := func(field string) string {
		return strings.Replace(defense("WAF", tp), `"`+field+`"`, `"x_`+field+`"`, 1)
	}
	for _, tc := range []struct {
		name, query string
		over        map[string]string
		raw         string
		mention     string
	}{
		{"NoActionType", "", nil, "", "action_type"},
		{"BadActionType", "?action_type=Create", nil, "", "action_type"},
		{"NoDataObject", "?action_type=create", nil, `{}`, "data_object"},
		{"NoBody", "?action_type=create", nil, ` `, "data_object"},
		{"NoBlockAge", "?action_type=create", map[string]string{"block_age": "-"}, "", "block_age"},
		{"NoIsBlockAgeing", "?action_type=create", map[string]string{"block_age": `{"block_ageing":null}`}, "", "is_block_ageing"},
		{"AgeingWithoutTime", "?action_type=create", map[string]string{"block_age": `{"is_block_ageing":true}`}, "", "block_ageing"},
		{"AgeingPast", "?action_type=create", map[string]string{"block_age": `{"is_block_ageing":true,"block_ageing":"` + past + `"}`}, "", "block_ageing"},
		{"AgeingNotNumber", "?action_type=create", map[string]string{"block_age": `{"is_block_ageing":true,"block_ageing":"tomorrow"}`}, "", "block_ageing"},
		{"NoBlockTarget", "?action_type=create", map[string]string{"block_target": "-"}, "", "block_target"},
		{"EmptyBlockTarget", "?action_type=create", map[string]string{"block_target": `""`}, "", "block_target"},
		{"BadIP", "?action_type=create", map[string]string{"block_target": `"1.2.3.400"`}, "", "block_target"},
		{"IPHostBits", "?action_type=create", map[string]string{"block_target": `"10.0.0.1/8"`}, "", "block_target"},
		{"EmptyListItem", "?action_type=create", map[string]string{"block_target": `"1.2.3.4,,5.6.7.8"`}, "", "block_target"},
		{"DomainAsIP", "?action_type=create", map[string]string{"block_target": `"example.com"`}, "", "block_target"},
		{"BadDomain", "?action_type=create", map[string]string{"block_target": `"-bad-.com"`, "policy_type": `{"policy_type":"Domain Name"}`}, "", "block_target"},
		{"BadUser", "?action_type=create", map[string]string{"block_target": `"bob;rm"`, "policy_type": `{"policy_type":"User Name"}`}, "", "block_target"},
		{"NoDefenseList", "?action_type=create", map[string]string{"defense_policy_list": "-"}, "", "defense_policy_list"},
		{"EmptyDefenseList", "?action_type=create", map[string]string{"defense_policy_list": `[]`}, "", "defense_policy_list"},
		{"BadDefenseType", "?action_type=create", map[string]string{"defense_policy_list": `[` + strings.Replace(defense("WAF", tp), `"defense_type":"WAF"`, `"defense_type":"HSS"`, 1) + `]`}, "", "defense_type"},
		{"NoPolicyCategory", "?action_type=create", map[string]string{"policy_category": "-"}, "", "policy_category"},
		{"BadPolicyCategory", "?action_type=create", map[string]string{"policy_category": `"ALLOW"`}, "", "policy_category"},
		{"NoPolicyType", "?action_type=create", map[string]string{"policy_type": "-"}, "", "policy_type"},
		{"NoPolicyTypeValue", "?action_type=create", map[string]string{"policy_type": `{}`}, "", "policy_type.policy_type"},
		{"BadPolicyType", "?action_type=create", map[string]string{"policy_type": `{"policy_type":"source ip"}`}, "", "policy_type.policy_type"},
		{"NoRegion", "?action_type=create", map[string]string{"region_id": "-"}, "", "region_id"},
		{"WrongJSONType", "?action_type=create", map[string]string{"block_target": `5`}, "", "block_target"},
		{"RetryWithoutList", "?action_type=retry", nil, "", "retry_list"},
		{"RetryUnknown", "?action_type=retry", map[string]string{"retry_list": `["nope"]`}, "", "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.raw
			if body == "" {
				body = policyBody(tc.over)
			}
			code, status := "SecMaster.20010002", 400
			if tc.name == "RetryUnknown" {
				code, status = "SecMaster.20030005", 404
			}
			wantSMError(t, e.soc("POST", "/policys"+tc.query, body), status, code, tc.mention)
		})
	}
	for _, f := range []string{"defense_connection_id", "defense_connection_name", "defense_connection_region_id",
		"defense_connection_region_name", "defense_type", "target_enterprise_id", "target_enterprise_name",
		"target_project_id", "target_project_name"} {
		t.Run("Defense_"+f, func(t *testing.T) {
			wantSMError(t, e.soc("POST", "/policys?action_type=create",
				policyBody(map[string]string{"defense_policy_list": `[` + noField(f) + `]`})), 400, "SecMaster.20010002", f)
		})
	}
	t.Run("ContentType", func(t *testing.T) {
		req := e.signed(t, "POST", "/v1/"+e.Creds.ProjectID+"/workspaces/"+e.ws+"/soc/policys?action_type=create", policyBody(nil), time.Now(), e.Creds.SecretKey)
		req.Header.Set("Content-Type", "text/plain")
		wantSMError(t, do(t, req), 400, "SecMaster.20010002", "Content-Type")
	})
	if got := e.search(`{}`).Body["total"].(float64); got != 0 {
		t.Fatalf("invalid requests stored %v policies", got)
	}
	if e.revision() != rev {
		t.Fatal("invalid requests bumped the revision")
	}
	// Valid variants are accepted: lists, CIDRs, IPv6, charset parameter, number timestamp.
	for _, over := range []map[string]string{
		{"block_target": `"1.2.3.4, 10.0.0.0/8,2001:db8::/32,::1"`},
		{"block_target": `"Example.COM,*.evil.org"`, "policy_type": `{"policy_type":"Domain Name"}`, "defense_policy_list": `[` + defense("CFW", tp) + `]`},
		{"block_target": `"alice,bob.smith"`, "policy_type": `{"policy_type":"User Name"}`, "defense_policy_list": `[` + defense("IAM", tp) + `]`},
		{"block_age": `{"is_block_ageing":true,"block_ageing":` + future + `}`, "policy_category": `"WHITE"`},
	} {
		e.create(over)
	}
	req := e.signed(t, "POST", "/v1/"+e.Creds.ProjectID+"/workspaces/"+e.ws+"/soc/policys?action_type=create", policyBody(nil), time.Now(), e.Creds.SecretKey)
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	wantOK(t, do(t, req))
}

func TestSecMasterDeliveryAndRetry(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	pid := e.create(map[string]string{"defense_policy_list": `[` + defense("WAF", tp1) + `,` + defense("CFW", tp1) + `]`,
		"block_target": `"1.2.3.4,10.0.0.0/8"`})
	p := e.show(pid)
	for _, d := range entries(p) {
		if d["defense_block_status"] != "PENDING" || d["sync_status"] != "SYNCING" {
			t.Fatalf("before delivery: %v", d)
		}
	}
	if len(e.enforced(tp1, "WAF")) != 0 {
		t.Fatal("enforced before delivery")
	}
	e.fail.Store(1) // the first entry delivered fails
	e.deliver()
	p = e.show(pid)
	var failed, ok int
	for _, d := range entries(p) {
		switch d["defense_block_status"] {
		case "FAILED":
			failed++
			if d["sync_status"] != "SYNC_FAILED" || !strings.Contains(d["defense_failure_description"].(string), "refused") {
				t.Fatalf("failed entry: %v", d)
			}
		case "IN_FORCE":
			ok++
			if d["sync_status"] != "SYNCED" || d["defense_delivered_time"] == "" {
				t.Fatalf("delivered entry: %v", d)
			}
		}
	}
	if failed != 1 || ok != 1 {
		t.Fatalf("failed=%d ok=%d: %v", failed, ok, p)
	}
	if n := len(e.enforced(tp1, "WAF")) + len(e.enforced(tp1, "CFW")); n != 2 {
		t.Fatalf("enforcement rows = %d, want 2 (one layer, two objects)", n)
	}
	res := e.soc("POST", "/policys?action_type=retry", `{"data_object":{"retry_list":["`+pid+`"]}}`)
	wantOK(t, res)
	e.deliver()
	for _, d := range entries(e.show(pid)) {
		if d["defense_block_status"] != "IN_FORCE" {
			t.Fatalf("after retry: %v", d)
		}
	}
	waf, cfw := e.enforced(tp1, "WAF"), e.enforced(tp1, "CFW")
	if len(waf) != 2 || len(cfw) != 2 || waf[0].Category != "BLOCK" {
		t.Fatalf("enforcement after retry: %v %v", waf, cfw)
	}
	// Retry is idempotent.
	wantOK(t, e.soc("POST", "/policys?action_type=retry", `{"data_object":{"retry_list":["`+pid+`"]}}`))
	e.deliver()
	if len(e.enforced(tp1, "WAF")) != 2 {
		t.Fatal("second retry changed the enforcement set")
	}
	// History: create, deliver (1 failed), retry, deliver, retry.
	res = e.soc("POST", "/policy-records/"+pid+"/search", `{"sort":[{"sort_by":"create_time","order":"asc"}]}`)
	wantOK(t, res)
	var actions []string
	for _, r := range res.Body["data"].([]any) {
		actions = append(actions, r.(map[string]any)["data_object"].(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, ","); got != "CREATE,DELIVER,RETRY,DELIVER,RETRY" {
		t.Fatalf("history = %s", got)
	}
}

func TestSecMasterLayers(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	// A user name: IAM enforces it, WAF cannot.
	uid := e.create(map[string]string{"block_target": `"mallory"`, "policy_type": `{"policy_type":"User Name"}`,
		"defense_policy_list": `[` + defense("IAM", tp) + `,` + defense("WAF", tp) + `]`})
	// An allow-list on IAM fails; on VPC an IP works.
	wid := e.create(map[string]string{"policy_category": `"WHITE"`, "block_target": `"trent"`, "policy_type": `{"policy_type":"User Name"}`,
		"defense_policy_list": `[` + defense("IAM", tp) + `]`})
	vid := e.create(map[string]string{"defense_policy_list": `[` + defense("VPC", tp) + `]`})
	e.deliver()
	status := func(id string) map[string]string {
		out := map[string]string{}
		for _, d := range entries(e.show(id)) {
			out[d["defense_type"].(string)] = d["defense_block_status"].(string) + " " + d["defense_failure_description"].(string)
		}
		return out
	}
	if s := status(uid); !strings.HasPrefix(s["IAM"], "IN_FORCE") || !strings.Contains(s["WAF"], "only Source Ip") {
		t.Fatalf("user policy: %v", s)
	}
	if s := status(wid); !strings.Contains(s["IAM"], "FAILED the IAM layer can only block") {
		t.Fatalf("white user policy: %v", s)
	}
	if s := status(vid); !strings.HasPrefix(s["VPC"], "IN_FORCE") {
		t.Fatalf("vpc policy: %v", s)
	}
	eng, err := e.Decisions.Engine(context.Background(), tp)
	if err != nil {
		t.Fatal(err)
	}
	if d := eng.DecideUser("mallory", e.clock.Now()); d.Action != decision.ActionBlock {
		t.Fatalf("mallory: %+v, want blocked", d)
	}
	if d := eng.DecideUser("trent", e.clock.Now()); d.Action != decision.ActionAllow {
		t.Fatalf("trent decided by a failed entry: %+v", d)
	}
}

func TestSecMasterSearch(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	var ids []string
	for i := range 7 {
		cat := `"BLOCK"`
		if i%2 == 1 {
			cat = `"WHITE"`
		}
		ids = append(ids, e.create(map[string]string{"block_target": fmt.Sprintf(`"10.0.0.%d"`, i), "policy_category": cat}))
		e.clock.Add(time.Second)
	}
	res := e.search(``) // no body, no limit
	if res.Body["total"].(float64) != 7 || len(res.Body["data"].([]any)) != 7 {
		t.Fatalf("all: %s", res.Raw)
	}
	first := res.Body["data"].([]any)[0].(map[string]any)["data_object"].(map[string]any)
	if first["id"] != ids[6] {
		t.Fatalf("default order is not newest first: %v", first["id"])
	}
	res = e.search(`{"condition":{"conditions":[{"name":"policy_category","data":["WHITE"]}]}}`)
	if res.Body["total"].(float64) != 3 {
		t.Fatalf("WHITE: %s", res.Raw)
	}
	res = e.search(`{"condition":{"conditions":[{"name":"c","data":["block_target","=","10.0.0.2"]},{"name":"policy_category","data":["WHITE"]}],"logics":["or"]}}`)
	if res.Body["total"].(float64) != 4 {
		t.Fatalf("OR: %s", res.Raw)
	}
	res = e.search(`{"condition":{"conditions":[{"name":"c","data":["block_target","like","10.0.0."]},{"name":"policy_category","data":["BLOCK"]}],"logics":["and"]}}`)
	if res.Body["total"].(float64) != 4 {
		t.Fatalf("AND/like: %s", res.Raw)
	}
	// Paging with an explicit limit, then past the end (Terraform's loop).
	seen := map[string]bool{}
	for off := 0; ; {
		res = e.search(fmt.Sprintf(`{"limit":3,"offset":%d,"sort":[{"sort_by":"block_target","order":"asc"}]}`, off))
		data := res.Body["data"].([]any)
		if len(data) == 0 {
			break
		}
		if res.Body["total"].(float64) != 7 || res.Body["size"].(float64) != float64(len(data)) {
			t.Fatalf("page: %s", res.Raw)
		}
		for _, d := range data {
			seen[d.(map[string]any)["id"].(string)] = true
		}
		off += len(data)
	}
	if len(seen) != 7 {
		t.Fatalf("paged %d policies", len(seen))
	}
	res = e.search(`{"offset":100}`)
	if len(res.Body["data"].([]any)) != 0 || res.Body["total"].(float64) != 7 {
		t.Fatalf("past the end: %s", res.Raw)
	}
	for _, tc := range []struct{ body, mention string }{
		{`{"limit":-1}`, "limit"},
		{`{"limit":100000}`, "limit"},
		{`{"offset":-1}`, "offset"},
		{`{"limit":"10"}`, "limit"},
		{`{"condition":{"conditions":[{"name":"nope","data":["x"]}]}}`, "name"},
		{`{"condition":{"conditions":[{"name":"policy_category","data":[]}]}}`, "data"},
		{`{"condition":{"conditions":[{"name":"policy_category","data":["A"]},{"name":"policy_category","data":["B"]}],"logics":["xor"]}}`, "logics"},
		{`{"sort":[{"sort_by":"nope"}]}`, "sort_by"},
		{`{"sort":[{"sort_by":"create_time","order":"up"}]}`, "order"},
	} {
		wantSMError(t, e.soc("POST", "/policys/search", tc.body), 400, "SecMaster.20010002", tc.mention)
	}
}

func TestSecMasterUpdate(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	a := e.create(map[string]string{"description": `"first"`, "labels": `"l1"`})
	b := e.create(map[string]string{"block_target": `"5.6.7.8"`})
	e.deliver()
	rev := e.revision()
	// Only the attributes sent change.
	res := e.soc("PUT", "/policys/"+a, `{"batch_ids":["`+a+`"],"data_object":{"description":"second","id":"ignored",
		"create_time":"2020-01-01T00:00:00.000Z","block_target":"1.2.3.4","type":"Source Ip"}}`)
	wantOK(t, res)
	p := e.show(a)
	if p["description"] != "second" || p["labels"] != "l1" || p["policy_category"] != "BLOCK" || p["block_target"] != "1.2.3.4" {
		t.Fatalf("after update: %v", p)
	}
	if d := entries(p)[0]; d["defense_block_status"] != "IN_FORCE" {
		t.Fatalf("a description change re-delivered: %v", d)
	}
	// Category change on both (path id plus batch_ids): re-delivered as WHITE.
	wantOK(t, e.soc("PUT", "/policys/"+a, `{"batch_ids":["`+b+`"],"data_object":{"policy_category":"WHITE"}}`))
	for _, id := range []string{a, b} {
		if d := entries(e.show(id))[0]; d["defense_block_status"] != "PENDING" {
			t.Fatalf("category change not queued: %v", d)
		}
	}
	e.deliver()
	for _, en := range e.enforced(tp1, "WAF") {
		if en.Category != "WHITE" {
			t.Fatalf("enforcement not updated: %v", en)
		}
	}
	// Replacing the defense list lifts the dropped layer at once.
	wantOK(t, e.soc("PUT", "/policys/"+a, `{"batch_ids":["`+a+`"],"data_object":{"defense_policy_list":[`+defense("CFW", tp2)+`]}}`))
	for _, en := range e.enforced(tp1, "WAF") {
		if en.PolicyID == a {
			t.Fatal("dropped WAF entry still enforced")
		}
	}
	e.deliver()
	if len(e.enforced(tp2, "CFW")) != 1 {
		t.Fatal("new CFW entry not delivered")
	}
	revBefore := e.revision()
	if revBefore <= rev {
		t.Fatal("updates did not bump the revision")
	}
	for _, tc := range []struct {
		path, body, status, code, mention string
	}{
		{a, `{"batch_ids":["` + a + `"],"data_object":{"block_target":"9.9.9.9"}}`, "400", "SecMaster.20010002", "objects"},
		{a, `{"batch_ids":["` + a + `"],"data_object":{"type":"Domain Name"}}`, "400", "SecMaster.20010002", "object type"},
		{a, `{"data_object":{"description":"x"}}`, "400", "SecMaster.20010002", "batch_ids"},
		{a, `{"batch_ids":[],"data_object":{}}`, "400", "SecMaster.20010002", "batch_ids"},
		{a, `{"batch_ids":["` + a + `"],"data_object":{"policy_category":"GREY"}}`, "400", "SecMaster.20010002", "policy_category"},
		{a, `{"batch_ids":["` + a + `"],"data_object":{"defense_policy_list":[]}}`, "400", "SecMaster.20010002", "defense_policy_list"},
		{a, `{"batch_ids":["` + a + `"],"data_object":{"block_age":{"is_block_ageing":true,"block_ageing":"1"}}}`, "400", "SecMaster.20010002", "block_ageing"},
		{"nope", `{"batch_ids":["nope"],"data_object":{"description":"x"}}`, "404", "SecMaster.20030005", "nope"},
		{a, `{"batch_ids":["nope"],"data_object":{"description":"x"}}`, "404", "SecMaster.20030005", "nope"},
		{"bad id!", `{"batch_ids":["x"]}`, "400", "SecMaster.20010002", "policy_id"},
	} {
		st, _ := strconv.Atoi(tc.status)
		wantSMError(t, e.soc("PUT", "/policys/"+strings.ReplaceAll(tc.path, " ", "%20"), tc.body), st, tc.code, tc.mention)
	}
	if e.revision() != revBefore || e.show(a)["description"] != "second" {
		t.Fatal("refused updates changed something")
	}
}

func TestSecMasterDeleteAndRecords(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	a := e.create(nil)
	b := e.create(map[string]string{"block_target": `"5.6.7.8"`})
	e.deliver()
	if len(e.enforced(tp1, "WAF")) != 2 {
		t.Fatal("not delivered")
	}
	wantSMError(t, e.soc("POST", "/policys/batch-delete", `{"batch_ids":["`+a+`","nope"]}`), 400, "SecMaster.20010002", "nope")
	wantSMError(t, e.soc("POST", "/policys/batch-delete", `{}`), 400, "SecMaster.20010002", "batch_ids")
	if len(e.enforced(tp1, "WAF")) != 2 {
		t.Fatal("a refused delete lifted something")
	}
	res := e.soc("POST", "/policys/batch-delete", `{"batch_ids":["`+a+`"]}`)
	wantOK(t, res)
	if s, _ := res.Body["data"].(string); s == "" {
		t.Fatalf("no task id: %s", res.Raw)
	}
	if es := e.enforced(tp1, "WAF"); len(es) != 1 || es[0].PolicyID != b {
		t.Fatalf("after delete: %v", es)
	}
	wantSMError(t, e.soc("GET", "/policys/"+a, ""), 404, "SecMaster.20030005", a)
	wantSMError(t, e.soc("GET", "/policys/unknown", ""), 404, "SecMaster.20030005", "unknown")
	// History of the deleted policy remains.
	res = e.soc("POST", "/policy-records/"+a+"/search", `{"limit":1}`)
	wantOK(t, res)
	last := res.Body["data"].([]any)[0].(map[string]any)["data_object"].(map[string]any)
	if last["action"] != "DELETE" || res.Body["total"].(float64) != 3 || last["policy_id"] != a {
		t.Fatalf("records of a: %s", res.Raw)
	}
	if d := entries(last)[0]; d["defense_block_status"] != "LIFTED" {
		t.Fatalf("delete record entry: %v", d)
	}
	res = e.soc("POST", "/policy-records/search", `{"condition":{"conditions":[{"name":"action","data":["CREATE"]}]}}`)
	wantOK(t, res)
	if res.Body["total"].(float64) != 2 {
		t.Fatalf("create records: %s", res.Raw)
	}
	res = e.soc("POST", "/policy-records/search", ``)
	if res.Body["total"].(float64) != 5 { // 2 creates, 2 deliveries, 1 delete
		t.Fatalf("all records: %s", res.Raw)
	}
	res = e.soc("POST", "/policy-records/search", `{"offset":5}`)
	if len(res.Body["data"].([]any)) != 0 {
		t.Fatalf("records past the end: %s", res.Raw)
	}
	wantSMError(t, e.soc("POST", "/policy-records/unknown/search", ``), 404, "SecMaster.20030005", "unknown")
}

func TestSecMasterAging(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	at := e.clock.Now().Add(10 * time.Second)
	aged := e.create(map[string]string{"block_age": `{"is_block_ageing":true,"block_ageing":"` + strconv.FormatInt(at.UnixMilli(), 10) + `"}`})
	forever := e.create(map[string]string{"block_target": `"5.6.7.8"`})
	e.deliver()
	p := e.show(aged)
	if ba := p["block_age"].(map[string]any); ba["is_block_ageing"] != true || ba["block_ageing"] != strconv.FormatInt(at.UnixMilli(), 10) {
		t.Fatalf("block_age: %v", ba)
	}
	if len(e.enforced(tp1, "WAF")) != 2 {
		t.Fatal("not delivered")
	}
	e.clock.Add(9 * time.Second)
	if n, _ := e.SM.ExpireDue(context.Background()); n != 0 {
		t.Fatal("expired early")
	}
	e.clock.Add(time.Second)
	// At the aging time the set no longer holds it, even before the worker runs.
	if es := e.enforced(tp1, "WAF"); len(es) != 1 || es[0].PolicyID != forever {
		t.Fatalf("at expiry: %v", es)
	}
	if n, err := e.SM.ExpireDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("expired %d, %v", n, err)
	}
	p = e.show(aged)
	if p["status"] != "EXPIRED" || entries(p)[0]["defense_block_status"] != "EXPIRED" {
		t.Fatalf("after expiry: %v", p)
	}
	res := e.soc("POST", "/policy-records/"+aged+"/search", `{"limit":1}`)
	if a := res.Body["data"].([]any)[0].(map[string]any)["data_object"].(map[string]any)["action"]; a != "EXPIRE" {
		t.Fatalf("last record = %v", a)
	}
	if e.show(forever)["status"] != "ACTIVE" {
		t.Fatal("policy without aging expired")
	}
	// An expired policy cannot be updated, but can be deleted.
	wantSMError(t, e.soc("PUT", "/policys/"+aged, `{"batch_ids":["`+aged+`"],"data_object":{"description":"x"}}`), 400, "SecMaster.20010002", "expired")
	wantOK(t, e.soc("POST", "/policys/batch-delete", `{"batch_ids":["`+aged+`"]}`))
}

func TestSecMasterQuota(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sm := secmaster.New(db.SecMaster(), secmaster.Config{MaxPolicies: 2, MaxAgeing: 1})
	project := "0123456789abcdef0123456789abcdef"
	if err := sm.EnsureDefaultWorkspace(ctx, project); err != nil {
		t.Fatal(err)
	}
	wss, _, err := sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: project})
	if err != nil {
		t.Fatal(err)
	}
	ws := wss[0].ID
	yes, no := true, false
	typ := secmaster.TypeSourceIP
	in := func(ip string, ageing bool) *secmaster.PolicyInput {
		ba := &secmaster.BlockAge{IsBlockAgeing: &no}
		if ageing {
			ba = &secmaster.BlockAge{IsBlockAgeing: &yes, BlockAgeing: strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)}
		}
		return &secmaster.PolicyInput{BlockAge: ba, BlockTarget: ip, Category: "BLOCK", PolicyType: &typ, RegionID: "r",
			Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
				DefenseType: "WAF", TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: project, TargetProjectName: "t"}}}
	}
	if _, err := sm.CreatePolicy(ctx, project, ws, in("1.1.1.1", true)); err != nil {
		t.Fatal(err)
	}
	_, err = sm.CreatePolicy(ctx, project, ws, in("1.1.1.2", true))
	if e := rampart.AsError(err); e.Kind != rampart.KindQuota || e.Code != "SecMaster.20010004" {
		t.Fatalf("ageing quota: %v", err)
	}
	if _, err := sm.CreatePolicy(ctx, project, ws, in("1.1.1.3", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.CreatePolicy(ctx, project, ws, in("1.1.1.4", false)); rampart.ErrorKind(err) != rampart.KindQuota {
		t.Fatalf("policy quota: %v", err)
	}
	ps, total, _, err := sm.SearchPolicies(ctx, project, ws, secmaster.SearchInput{})
	if err != nil || total != 2 || len(ps) != 2 {
		t.Fatalf("stored %d, %v", total, err)
	}
}

func TestSecMasterProjectIsolation(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	ctx := context.Background()
	other, err := e.IAM.CreateProject(ctx, "acme", "other-region", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, "acme", iam.AdminUserName, other.ID); err != nil {
		t.Fatal(err)
	}
	pid := e.create(nil)
	// The other project has its own default workspace and cannot use ours.
	res := e.call("GET", "/v1/"+other.ID+"/workspaces", "")
	wss := res.Body["workspaces"].([]any)
	if len(wss) != 1 || wss[0].(map[string]any)["id"] == e.ws {
		t.Fatalf("other project's workspaces: %s", res.Raw)
	}
	oenv := *e.testEnv
	ocreds := *e.Creds
	ocreds.ProjectID = other.ID
	oenv.Creds = &ocreds
	o := &smEnv{testEnv: &oenv, t: t, SM: e.SM, ws: e.ws}
	wantSMError(t, o.soc("GET", "/policys/"+pid, ""), 403, "SecMaster.20010001", e.ws)
	wantSMError(t, o.call("GET", "/v1/"+other.ID+"/workspaces/"+e.ws, ""), 404, "SecMaster.20011003", e.ws)
	o.ws = wss[0].(map[string]any)["id"].(string)
	wantSMError(t, o.soc("GET", "/policys/"+pid, ""), 404, "SecMaster.20030005", pid)
	if got := o.search(`{}`).Body["total"].(float64); got != 0 {
		t.Fatalf("other project sees %v policies", got)
	}
	wantSMError(t, o.soc("POST", "/policys/batch-delete", `{"batch_ids":["`+pid+`"]}`), 400, "SecMaster.20010002", pid)
	// A project the caller was not granted is refused by the gateway.
	wantError(t, e.call("GET", "/v1/"+strings.Repeat("0", 32)+"/workspaces", ""), http.StatusForbidden, "APIGW.0302")
}

// An IAM BLOCK of a user name delivered to a project stops that user's
// access keys and project tokens there until the block ages out; blocking
// oneself there is refused.
func TestSecMasterIAMBlock(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	ctx := context.Background()
	if _, _, err := e.IAM.CreateUser(ctx, "acme", "mallory", "mallory password 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, "acme", "mallory", e.Creds.ProjectID); err != nil {
		t.Fatal(err)
	}
	key, err := e.IAM.CreateAccessKey(ctx, "acme", "mallory")
	if err != nil {
		t.Fatal(err)
	}
	asMallory := func() response {
		t.Helper()
		path := "/v1/" + e.Creds.ProjectID + "/workspaces/" + e.ws + "/soc/policys/search"
		req := newRequest(t, "POST", e.URL+path, `{}`)
		aksk.Sign(req, []byte(`{}`), key.AccessKey, key.SecretKey, time.Now())
		return do(t, req)
	}
	blockUser := func(user, target, ageing string) response {
		return e.soc("POST", "/policys?action_type=create", policyBody(map[string]string{
			"block_target": `"` + user + `"`, "policy_type": `{"policy_type":"User Name"}`,
			"defense_policy_list": `[` + defense("IAM", target) + `]`, "block_age": ageing}))
	}
	// The caller cannot lock itself out of the project.
	wantSMError(t, blockUser(iam.AdminUserName, e.Creds.ProjectID, `{"is_block_ageing":false}`), 400, "SecMaster.20010002", "caller")

	at := e.clock.Now().Add(30 * time.Second)
	wantOK(t, blockUser("mallory", e.Creds.ProjectID, `{"is_block_ageing":true,"block_ageing":"`+strconv.FormatInt(at.UnixMilli(), 10)+`"}`))
	// Delivered to another project's IAM layer, a block changes nothing here.
	wantOK(t, blockUser("mallory", tp, `{"is_block_ageing":false}`))
	wantOK(t, asMallory()) // not yet delivered: still allowed
	e.deliver()
	wantError(t, asMallory(), http.StatusForbidden, "APIGW.0302")
	wantOK(t, e.soc("POST", "/policys/search", `{}`)) // other users are unaffected
	scope := `{"project":{"id":"` + e.Creds.ProjectID + `"}}`
	res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "mallory", "mallory password 1", scope)))
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("token for a blocked user: %d %s", res.Status, res.Raw)
	}
	// At the aging time the block ends, before the worker has run.
	e.clock.Add(30 * time.Second)
	wantOK(t, asMallory())
	res = do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "mallory", "mallory password 1", scope)))
	if res.Status != http.StatusCreated {
		t.Fatalf("token after the block aged out: %d %s", res.Status, res.Raw)
	}
}
