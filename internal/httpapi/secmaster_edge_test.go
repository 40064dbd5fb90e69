package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// A retry of an expired policy must not bring a failed entry back into
// force: the policy has been lifted from every layer.
func TestSecMasterRetryExpiredPolicy(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	at := e.clock.Now().Add(10 * time.Second)
	pid := e.create(map[string]string{"block_age": `{"is_block_ageing":true,"block_ageing":"` + strconv.FormatInt(at.UnixMilli(), 10) + `"}`})
	e.fail.Store(1)
	e.deliver()
	if d := entries(e.show(pid))[0]; d["defense_block_status"] != "FAILED" {
		t.Fatalf("first delivery: %v", d)
	}
	e.clock.Add(11 * time.Second)
	if n, err := e.SM.ExpireDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("expired %d, %v", n, err)
	}
	wantOK(t, e.soc("POST", "/policys?action_type=retry", `{"data_object":{"retry_list":["`+pid+`"]}}`))
	e.deliver()
	p := e.show(pid)
	if p["status"] != "EXPIRED" {
		t.Fatalf("status = %v", p["status"])
	}
	if d := entries(p)[0]; d["defense_block_status"] == "IN_FORCE" || d["defense_block_status"] == "PENDING" {
		t.Fatalf("retry revived an entry of an expired policy: %v", d)
	}
}

// A client that reads a policy and sends its data_object back with one
// attribute changed (read, modify, write) must be understood: ShowPolicy
// answers policy_type as an object.
func TestSecMasterUpdateShownObject(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	pid := e.create(nil)
	e.deliver()
	p := e.show(pid)
	p["description"] = "changed"
	obj, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":`+string(obj)+`}`))
	if got := e.show(pid); got["description"] != "changed" || got["policy_type"].(map[string]any)["policy_type"] != "Source Ip" {
		t.Fatalf("after update: %v", got)
	}
	// A different type in the object form is still refused.
	wantSMError(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"policy_type":{"policy_type":"Domain Name"}}}`),
		400, "SecMaster.20010002", "object type")
	wantSMError(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"policy_type":5}}`),
		400, "SecMaster.20010002", "data_object.policy_type")
}

// Every user name Rampart's IAM accepts can be blocked on the IAM layer,
// also one that starts with a digit.
func TestSecMasterIAMBlockDigitUser(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	ctx := context.Background()
	if _, _, err := e.IAM.CreateUser(ctx, "acme", "007ops", "007ops password 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, "acme", "007ops", e.Creds.ProjectID); err != nil {
		t.Fatal(err)
	}
	wantOK(t, e.soc("POST", "/policys?action_type=create", policyBody(map[string]string{
		"block_target": `"007ops"`, "policy_type": `{"policy_type":"User Name"}`,
		"defense_policy_list": `[` + defense("IAM", e.Creds.ProjectID) + `]`})))
	e.deliver()
	scope := `{"project":{"id":"` + e.Creds.ProjectID + `"}}`
	res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody("acme", "007ops", "007ops password 1", scope)))
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("token for a blocked user: %d %s", res.Status, res.Raw)
	}
}

// In an update every block_age attribute is optional (reference page,
// Table 5): block_ageing alone sets the aging time, an empty block_age
// changes nothing.
func TestSecMasterUpdateBlockAgeOptional(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	pid := e.create(nil)
	e.deliver()
	at := strconv.FormatInt(e.clock.Now().Add(time.Hour).UnixMilli(), 10)
	wantOK(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"block_age":{"block_ageing":"`+at+`"}}}`))
	ba := e.show(pid)["block_age"].(map[string]any)
	if ba["is_block_ageing"] != true || ba["block_ageing"] != at {
		t.Fatalf("block_age after setting block_ageing alone: %v", ba)
	}
	wantOK(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"block_age":{"block_ageing":null}}}`))
	if ba := e.show(pid)["block_age"].(map[string]any); ba["is_block_ageing"] != true || ba["block_ageing"] != at {
		t.Fatalf("an empty block_age changed the aging: %v", ba)
	}
	wantSMError(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"block_age":{"block_ageing":"1"}}}`),
		400, "SecMaster.20010002", "block_ageing")
}

// Terraform's acceptance configuration of huaweicloud_secmaster_soc_policys_search
// (run against Huawei) filters on policy_name and sorts by create_time:
// the search must answer, not refuse the field.
func TestSecMasterSearchPolicyName(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	e.create(nil)
	res := e.search(`{"sort":[{"sort_by":"create_time","order":"desc"}],"condition":{"conditions":[{"name":"policy_name","data":["test"]}]}}`)
	if res.Body["total"].(float64) != 0 || len(res.Body["data"].([]any)) != 0 {
		t.Fatalf("policy_name test: %s", res.Raw)
	}
	res = e.search(`{"condition":{"conditions":[{"name":"c","data":["policy_name","!=","test"]}]}}`)
	if res.Body["total"].(float64) != 1 {
		t.Fatalf("policy_name != test: %s", res.Raw)
	}
}

// Every field a search accepts in sort_by sorts (defense_type by the
// policy's first layer in alphabetical order).
func TestSecMasterSearchSortDefenseType(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	waf := e.create(nil)
	cfw := e.create(map[string]string{"block_target": `"5.6.7.8"`, "defense_policy_list": `[` + defense("CFW", tp1) + `]`})
	for order, want := range map[string][]string{"asc": {cfw, waf}, "desc": {waf, cfw}} {
		res := e.search(`{"sort":[{"sort_by":"defense_type","order":"` + order + `"}]}`)
		data := res.Body["data"].([]any)
		if len(data) != 2 || data[0].(map[string]any)["id"] != want[0] || data[1].(map[string]any)["id"] != want[1] {
			t.Fatalf("sort by defense_type %s: %s", order, res.Raw)
		}
	}
}

// The EXPIRE record of a policy's history shows the policy as the expiry
// left it, like every other record: expired, with its aging and entries.
func TestSecMasterExpireRecordShowsPolicy(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	at := strconv.FormatInt(e.clock.Now().Add(10*time.Second).UnixMilli(), 10)
	pid := e.create(map[string]string{"block_age": `{"is_block_ageing":true,"block_ageing":"` + at + `"}`, "description": `"d"`})
	e.deliver()
	e.clock.Add(11 * time.Second)
	if n, err := e.SM.ExpireDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("expired %d, %v", n, err)
	}
	res := e.soc("POST", "/policy-records/"+pid+"/search", `{"limit":1}`)
	wantOK(t, res)
	rec := res.Body["data"].([]any)[0].(map[string]any)["data_object"].(map[string]any)
	if rec["action"] != "EXPIRE" || rec["status"] != "EXPIRED" || rec["description"] != "d" || rec["region_id"] != "local" {
		t.Fatalf("expire record: %v", rec)
	}
	if ba := rec["block_age"].(map[string]any); ba["is_block_ageing"] != true || ba["block_ageing"] != at {
		t.Fatalf("expire record block_age: %v", ba)
	}
	if ds := entries(rec); len(ds) != 1 || ds[0]["defense_block_status"] != "EXPIRED" {
		t.Fatalf("expire record entries: %v", ds)
	}
}

// Terraform's huaweicloud_secmaster_policy_records reads a record's type
// from policyrecord_type, its account from domain_id/domain_name and each
// entry's creator from defense_creator_id/defense_creator_name.
func TestSecMasterRecordTerraformFields(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	pid := e.create(nil)
	res := e.soc("POST", "/policy-records/"+pid+"/search", `{"limit":1000,"offset":0}`)
	wantOK(t, res)
	rec := res.Body["data"].([]any)[0].(map[string]any)["data_object"].(map[string]any)
	rt, _ := rec["policyrecord_type"].(map[string]any)
	if rt["policy_type"] != "Source Ip" || rt["category"] != "BLOCK" {
		t.Fatalf("policyrecord_type: %v", rec)
	}
	if rec["domain_id"] == "" || rec["domain_id"] == nil || rec["domain_name"] != "acme" {
		t.Fatalf("domain: %v", rec)
	}
	if d := entries(rec)[0]; d["defense_creator_name"] != "admin" || d["defense_creator_id"] != rec["creator"] {
		t.Fatalf("entry creator: %v", d)
	}
}

// An entry that expires before it was delivered is not left "syncing":
// nothing is pending for it any more.
func TestSecMasterExpireBeforeDelivery(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	at := strconv.FormatInt(e.clock.Now().Add(time.Second).UnixMilli(), 10)
	pid := e.create(map[string]string{"block_age": `{"is_block_ageing":true,"block_ageing":"` + at + `"}`})
	e.clock.Add(2 * time.Second)
	if n, err := e.SM.ExpireDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("expired %d, %v", n, err)
	}
	e.deliver()
	if d := entries(e.show(pid))[0]; d["defense_block_status"] != "EXPIRED" || d["sync_status"] != "SYNCED" {
		t.Fatalf("entry expired before delivery: %v", d)
	}
	res := e.soc("POST", "/policy-records/"+pid+"/search", `{"limit":1}`)
	rec := res.Body["data"].([]any)[0].(map[string]any)["data_object"].(map[string]any)
	if d := entries(rec)[0]; rec["action"] != "EXPIRE" || d["sync_status"] != "SYNCED" {
		t.Fatalf("expire record: %v", rec)
	}
}

// The WAF layer refuses a /0 prefix, as its own black/white IP rules do:
// an emergency WHITE 0.0.0.0/0 would switch off every protection of the
// target project's hosts. The other layers still take it.
func TestSecMasterWAFRefusesZeroPrefix(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	for _, target := range []string{"0.0.0.0/0", "::/0", "1.2.3.4,::ffff:0:0/96"} {
		pid := e.create(map[string]string{"block_target": `"` + target + `"`, "policy_category": `"WHITE"`,
			"defense_policy_list": `[` + defense("WAF", tp1) + `,` + defense("CFW", tp1) + `]`})
		e.deliver()
		for _, d := range entries(e.show(pid)) {
			want := "IN_FORCE"
			if d["defense_type"] == "WAF" {
				want = "FAILED"
			}
			if d["defense_block_status"] != want {
				t.Fatalf("%s: %v", target, d)
			}
		}
	}
	if es := e.enforced(tp1, "WAF"); len(es) != 0 {
		t.Fatalf("WAF enforces %v", es)
	}
}

// ListWorkspaces filters on every stored attribute the SDK's request
// carries (is_view, view_bind_id, enterprise_project_id), not only on
// name, description, region and IDs.
func TestSecMasterListWorkspacesFilters(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	base := "/v1/" + e.Creds.ProjectID + "/workspaces"
	res := e.call("POST", base, `{"region_id":"local","name":"view","project_name":"local","is_view":true,"view_bind_id":"`+e.ws+`","enterprise_project_id":"ep1"}`)
	if res.Status != 200 {
		t.Fatalf("create: %s", res.Raw)
	}
	view := res.Body["id"]
	for query, want := range map[string]any{
		"is_view=true":              view,
		"is_view=false":             e.ws,
		"view_bind_id=" + e.ws:      view,
		"enterprise_project_id=ep1": view,
		"enterprise_project_id=0":   e.ws,
	} {
		res := e.call("GET", base+"?limit=0&offset=0&"+query, "")
		wss, _ := res.Body["workspaces"].([]any)
		if res.Status != 200 || len(wss) != 1 || wss[0].(map[string]any)["id"] != want || res.Body["count"].(float64) != 1 {
			t.Fatalf("%s: %s", query, res.Raw)
		}
	}
	wantSMError(t, e.call("GET", base+"?is_view=maybe", ""), 400, "SecMaster.20010002", "is_view")
}

// The update page's ConnectionPolicy (Table 6) names an existing entry by
// defense_id and lists neither target_project_* nor
// defense_connection_region_name: those come from the stored entry.
func TestSecMasterUpdateEntryByDefenseID(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	pid := e.create(nil)
	e.deliver()
	waf := entries(e.show(pid))[0]["defense_id"].(string)
	body := `{"batch_ids":["` + pid + `"],"data_object":{"defense_policy_list":[{"defense_id":"` + waf + `","defense_connection_id":"c-waf",
		"defense_connection_name":"WAF renamed","defense_type":"WAF","target_enterprise_id":"0","target_enterprise_name":"default",
		"defense_connection_region_id":"local","sync_status":"SYNCED"},` + defense("CFW", tp1) + `]}}`
	wantOK(t, e.soc("PUT", "/policys/"+pid, body))
	e.deliver()
	ds := entries(e.show(pid))
	if len(ds) != 2 || ds[0]["defense_id"] != waf || ds[0]["target_project_id"] != tp1 || ds[0]["defense_connection_name"] != "WAF renamed" ||
		ds[0]["defense_block_status"] != "IN_FORCE" || ds[1]["defense_block_status"] != "IN_FORCE" {
		t.Fatalf("entries after update: %v", ds)
	}
	wantSMError(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"defense_policy_list":[{"defense_id":"nope"}]}}`),
		400, "SecMaster.20010002", "defense_id")
}
