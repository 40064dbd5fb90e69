package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// ignoreBody is a valid ignore rule body (Terraform's shape: one content
// per condition, advanced contents [] when no field is named).
const ignoreBody = `{"domain":["www.example.com"],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/search"]},` +
	`{"category":"params","index":"q","logic_operation":"exist"}],"mode":1,"rule":"sqli;xss",` +
	`"advanced":{"index":"params","contents":["q"]},"description":"search box"}`

func TestWAFIgnoreRuleLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "ignore")
	rev := e.revision(t)
	body := ok(t, e.call(t, "POST", "policy/"+pid+"/ignore?enterprise_project_id=0", ignoreBody))
	id := str(body["id"])
	if id == "" || body["policyid"] != pid || body["rule"] != "sqli;xss" || num(body["mode"]) != 1 || num(body["status"]) != 1 ||
		body["description"] != "search box" || num(body["timestamp"]) == 0 || num(body["hit_num"]) != 0 {
		t.Fatalf("create: %v", body)
	}
	if e.revision(t) != rev+1 {
		t.Fatal("create did not bump the WAF revision")
	}
	// What Terraform reads back: policyid, description, status, rule,
	// conditions[].{category,index,logic_operation,contents[0]},
	// advanced.index, advanced.contents[0], domain.
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/ignore/"+id, ""))
	conds, _ := show["conditions"].([]any)
	adv, _ := show["advanced"].(map[string]any)
	if len(conds) != 2 || adv == nil || adv["index"] != "params" || fmt.Sprint(adv["contents"]) != "[q]" ||
		fmt.Sprint(show["domain"]) != "[www.example.com]" {
		t.Fatalf("show: %v", show)
	}
	c0, c1 := conds[0].(map[string]any), conds[1].(map[string]any)
	if c0["category"] != "url" || c0["logic_operation"] != "prefix" || fmt.Sprint(c0["contents"]) != "[/search]" || c0["index"] != nil ||
		c1["category"] != "params" || c1["index"] != "q" || c1["logic_operation"] != "exist" || fmt.Sprint(c1["contents"]) != "[]" {
		t.Fatalf("show conditions: %v", conds)
	}
	// An update replaces the rule: no advanced, no description, every host.
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/ignore/"+id,
		`{"domain":[],"conditions":[{"category":"header","index":"x-debug","logic_operation":"equal","contents":["1"]}],"mode":1,"rule":"all"}`))
	if up["rule"] != "all" || up["advanced"] != nil || up["description"] != "" || fmt.Sprint(up["domain"]) != "[]" || num(up["timestamp"]) != num(body["timestamp"]) {
		t.Fatalf("update: %v", up)
	}
	st := ok(t, e.call(t, "PUT", "policy/"+pid+"/ignore/"+id+"/status", `{"status":0}`))
	if num(st["status"]) != 0 || st["id"] != id {
		t.Fatalf("status: %v", st)
	}
	if num(ok(t, e.call(t, "GET", "policy/"+pid+"/ignore/"+id, ""))["status"]) != 0 {
		t.Fatal("status not stored")
	}
	rc := ok(t, e.call(t, "POST", "policy/"+pid+"/ignore/"+id+"/recount", ""))
	if rc["id"] != id || num(rc["hit_num"]) != 0 || num(rc["clear_time"]) == 0 {
		t.Fatalf("recount: %v", rc)
	}
	// Batch create into two policies, cross-policy list, batch update.
	other := e.mustPolicy(t, "ignore2")
	bc := ok(t, e.call(t, "POST", "rule/ignore", strings.TrimSuffix(ignoreBody, "}")+`,"policy_ids":["`+pid+`","`+other+`"]}`))
	if str(bc["id"]) == "" || bc["policyid"] != pid {
		t.Fatalf("batch create: %v", bc)
	}
	all := ok(t, e.call(t, "GET", "rule/ignore?policyids="+pid+","+other, ""))
	if num(all["total"]) != 3 || len(items(t, all)) != 3 {
		t.Fatalf("cross-policy list: %v", all)
	}
	page := ok(t, e.call(t, "GET", "policy/"+pid+"/ignore?page=2&pagesize=1", ""))
	if num(page["total"]) != 2 || len(items(t, page)) != 1 {
		t.Fatalf("policy list page 2: %v", page)
	}
	otherID := str(ok(t, e.call(t, "GET", "policy/"+other+"/ignore", ""))["items"].([]any)[0].(map[string]any)["id"])
	bu := ok(t, e.call(t, "POST", "rule/ignore/batch-update", strings.TrimSuffix(ignoreBody, "}")+
		`,"rule":"cmdi","policy_rule_ids":[{"policy_id":"`+pid+`","rule_ids":["`+id+`"]},{"policy_id":"`+other+`","rule_ids":["`+otherID+`"]}]}`))
	if fmt.Sprint(bu["policy_rule_ids"]) == "[]" {
		t.Fatalf("batch update: %v", bu)
	}
	for _, pr := range [][2]string{{pid, id}, {other, otherID}} {
		if got := ok(t, e.call(t, "GET", "policy/"+pr[0]+"/ignore/"+pr[1], "")); got["rule"] != "cmdi" {
			t.Fatalf("batch update not stored: %v", got)
		}
	}
	// Another policy's path does not reach the rule.
	wantError(t, e.call(t, "GET", "policy/"+other+"/ignore/"+id, ""), 404, "WAF.00022001")
	del := ok(t, e.call(t, "DELETE", "policy/"+pid+"/ignore/"+id, ""))
	if del["id"] != id {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "policy/"+pid+"/ignore/"+id, ""), 404, "WAF.00022001")
	ok(t, e.call(t, "POST", "rule/ignore/batch-delete", `{"policy_rule_ids":[{"policy_id":"`+other+`","rule_ids":["`+otherID+`"]}]}`))
	wantError(t, e.call(t, "GET", "policy/"+other+"/ignore/"+otherID, ""), 404, "WAF.00022001")
	if num(ok(t, e.call(t, "GET", "rule/ignore", ""))["total"]) != 1 {
		t.Fatal("cross-policy list after the deletes")
	}
	// BatchCreateIgnoreRule also takes the policies from its policyids query.
	if q := ok(t, e.call(t, "POST", "rule/ignore?policyids="+other, ignoreBody)); q["policyid"] != other {
		t.Fatalf("batch create by query: %v", q)
	}
}

func TestWAFIgnoreRuleValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "ignore")
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/ignore", ignoreBody))["id"])
	unknown := "0123456789abcdef0123456789abcdef"
	// with returns a valid body whose field is replaced by value.
	with := func(field, value string) string {
		fields := map[string]string{"domain": `[]`, "conditions": `[{"category":"url","logic_operation":"contain","contents":["/a"]}]`,
			"mode": `1`, "rule": `"xss"`}
		fields[field] = value
		var parts []string
		for k, v := range fields {
			parts = append(parts, `"`+k+`":`+v)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	cond := func(c string) string { return with("conditions", `[`+c+`]`) }
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoRule", "POST", "policy/" + pid + "/ignore", `{"domain":[],"conditions":[{"category":"url","logic_operation":"contain","contents":["/a"]}],"mode":1}`, 400, "WAF.00021003"},
		{"EmptyRule", "POST", "policy/" + pid + "/ignore", with("rule", `""`), 400, "WAF.00021003"},
		{"UnknownCategory", "POST", "policy/" + pid + "/ignore", with("rule", `"sqli;nosuch"`), 400, "WAF.00021003"},
		{"FiveDigitID", "POST", "policy/" + pid + "/ignore", with("rule", `"04000"`), 400, "WAF.00021003"},
		{"ModeZero", "POST", "policy/" + pid + "/ignore", with("mode", `0`), 400, "WAF.00021003"},
		{"NoMode", "POST", "policy/" + pid + "/ignore", `{"conditions":[{"category":"url","logic_operation":"contain","contents":["/a"]}],"rule":"xss"}`, 400, "WAF.00021003"},
		{"NoConditions", "POST", "policy/" + pid + "/ignore", with("conditions", `[]`), 400, "WAF.00021003"},
		{"BadDomain", "POST", "policy/" + pid + "/ignore", with("domain", `["bad host"]`), 400, "WAF.00011006"},
		{"BadCategory", "POST", "policy/" + pid + "/ignore", cond(`{"category":"nosuch","logic_operation":"equal","contents":["x"]}`), 400, "WAF.00021003"},
		{"IPCategory", "POST", "policy/" + pid + "/ignore", cond(`{"category":"ip","logic_operation":"equal","contents":["192.0.2.1"]}`), 400, "WAF.00013002"},
		{"OperationOfOtherCategory", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"exist"}`), 400, "WAF.00021003"},
		{"ReferenceTable", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"contain_any","value_list_id":"abc"}`), 400, "WAF.00013002"},
		{"NoContents", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"contain"}`), 400, "WAF.00021003"},
		{"TwoContents", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"contain","contents":["a","b"]}`), 400, "WAF.00021003"},
		{"EmptyContent", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"contain","contents":[""]}`), 400, "WAF.00021003"},
		{"URLNotAPath", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"prefix","contents":["search"]}`), 400, "WAF.00021003"},
		{"BadRegex", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"regular_match","contents":["(a"]}`), 400, "WAF.00021003"},
		{"LengthNotANumber", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","logic_operation":"len_greater","contents":["ten"]}`), 400, "WAF.00021003"},
		{"ParamsWithoutIndex", "POST", "policy/" + pid + "/ignore", cond(`{"category":"params","logic_operation":"equal","contents":["x"]}`), 400, "WAF.00021003"},
		{"IndexAndAllIndexes", "POST", "policy/" + pid + "/ignore", cond(`{"category":"params","index":"q","check_all_indexes_logic":1,"logic_operation":"equal","contents":["x"]}`), 400, "WAF.00021003"},
		{"BadAllIndexes", "POST", "policy/" + pid + "/ignore", cond(`{"category":"params","check_all_indexes_logic":3,"logic_operation":"equal","contents":["x"]}`), 400, "WAF.00021003"},
		{"URLWithIndex", "POST", "policy/" + pid + "/ignore", cond(`{"category":"url","index":"q","logic_operation":"contain","contents":["x"]}`), 400, "WAF.00021003"},
		{"LowerCaseMethod", "POST", "policy/" + pid + "/ignore", cond(`{"category":"method","logic_operation":"equal","contents":["get"]}`), 400, "WAF.00021003"},
		{"BadAdvancedIndex", "POST", "policy/" + pid + "/ignore", with("advanced", `{"index":"url","contents":[]}`), 400, "WAF.00021003"},
		{"BodyAdvancedWithFields", "POST", "policy/" + pid + "/ignore", with("advanced", `{"index":"body","contents":["a"]}`), 400, "WAF.00021003"},
		{"BadDescription", "POST", "policy/" + pid + "/ignore", with("description", `"<b>"`), 400, "WAF.00021016"},
		{"NotJSON", "POST", "policy/" + pid + "/ignore", `{`, 400, "WAF.00021003"},
		{"UnknownPolicy", "POST", "policy/" + unknown + "/ignore", ignoreBody, 404, "WAF.00022001"},
		{"ListUnknownPolicy", "GET", "policy/" + unknown + "/ignore", "", 404, "WAF.00022001"},
		{"BadPageSize", "GET", "policy/" + pid + "/ignore?pagesize=101", "", 400, "WAF.00021020"},
		{"ShowUnknown", "GET", "policy/" + pid + "/ignore/" + unknown, "", 404, "WAF.00022001"},
		{"UpdateUnknown", "PUT", "policy/" + pid + "/ignore/" + unknown, ignoreBody, 404, "WAF.00022001"},
		{"UpdateInvalid", "PUT", "policy/" + pid + "/ignore/" + rid, with("rule", `"nosuch"`), 400, "WAF.00021003"},
		{"RecountUnknown", "POST", "policy/" + pid + "/ignore/" + unknown + "/recount", "", 404, "WAF.00022001"},
		{"BatchCreateNoPolicies", "POST", "rule/ignore", ignoreBody, 400, "WAF.00021003"},
		{"BatchUpdateNoIDs", "POST", "rule/ignore/batch-update", ignoreBody, 400, "WAF.00021003"},
		{"StatusBad", "PUT", "policy/" + pid + "/ignore/" + rid + "/status", `{"status":2}`, 400, "WAF.00021015"},
		{"WriteAllEPs", "POST", "policy/" + pid + "/ignore?enterprise_project_id=all_granted_eps", ignoreBody, 400, "WAF.00012010"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
		})
	}
	// Nothing refused was stored or changed.
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/ignore", ""))
	if num(list["total"]) != 1 || items(t, list)[0].(map[string]any)["rule"] != "sqli;xss" {
		t.Fatalf("after refused writes: %v", list)
	}
}

// Every condition category and logic operation the server evaluates is
// accepted, with the null domain the SDK sends for "every host".
func TestWAFIgnoreRuleAcceptsEveryOperation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "ignore")
	for _, c := range []string{
		`{"category":"url","logic_operation":"not_suffix","contents":[".php"]}`,
		`{"category":"url","logic_operation":"regular_not_match","contents":["^/admin"]}`,
		`{"category":"user-agent","logic_operation":"contain","contents":["curl"]}`,
		`{"category":"referer","logic_operation":"len_less_equal","contents":["100"]}`,
		`{"category":"params","index":"id","logic_operation":"num_greater","contents":["10"]}`,
		`{"category":"cookie","check_all_indexes_logic":2,"logic_operation":"not_exist"}`,
		`{"category":"header","check_all_indexes_logic":1,"logic_operation":"len_less","contents":["2048"]}`,
		`{"category":"method","logic_operation":"not_equal","contents":["POST"]}`,
		`{"category":"request_body","logic_operation":"not_contain","contents":["<?xml"]}`,
	} {
		for _, rule := range []string{"bypass", "all", "illegal", "040001;041002", "webshell;robot;vuln;lfi;rfi"} {
			res := e.call(t, "POST", "policy/"+pid+"/ignore", `{"domain":null,"conditions":[`+c+`],"mode":1,"rule":"`+rule+`"}`)
			if res.Status != 200 {
				t.Errorf("%s with rule %s: %d %s", c, rule, res.Status, res.Raw)
			}
		}
	}
}

// TestWAFIgnoreRuleTerraform replays what huaweicloud_waf_rule_global_protection_whitelist
// sends (advanced with an empty contents list, no index for url conditions,
// nothing for unset optional fields) and checks what it reads back.
func TestWAFIgnoreRuleTerraform(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "tf")
	created := ok(t, e.call(t, "POST", "policy/"+pid+"/ignore?enterprise_project_id=0",
		`{"rule":"xss","description":"tf","domain":["www.example.com"],"mode":1,`+
			`"conditions":[{"category":"url","logic_operation":"contain","contents":["/login"]}],"advanced":{"index":"cookie","contents":[]}}`))
	id := str(created["id"])
	// Status 0 is set after the create, through the status operation.
	ok(t, e.call(t, "PUT", "policy/"+pid+"/ignore/"+id+"/status?enterprise_project_id=0", `{"status":0}`))
	read := ok(t, e.call(t, "GET", "policy/"+pid+"/ignore/"+id+"?enterprise_project_id=0", ""))
	adv, _ := read["advanced"].(map[string]any)
	conds, _ := read["conditions"].([]any)
	if read["policyid"] != pid || read["description"] != "tf" || num(read["status"]) != 0 || read["rule"] != "xss" ||
		adv == nil || adv["index"] != "cookie" || fmt.Sprint(adv["contents"]) != "[]" || len(conds) != 1 ||
		fmt.Sprint(read["domain"]) != "[www.example.com]" {
		t.Fatalf("read after create: %v", read)
	}
	// Clearing advanced_field and description in Terraform drops them from the body.
	ok(t, e.call(t, "PUT", "policy/"+pid+"/ignore/"+id+"?enterprise_project_id=0",
		`{"rule":"xss;sqli","domain":["www.example.com"],"mode":1,"conditions":[{"category":"url","logic_operation":"contain","contents":["/login"]}]}`))
	read = ok(t, e.call(t, "GET", "policy/"+pid+"/ignore/"+id, ""))
	if read["advanced"] != nil || read["description"] != "" || read["rule"] != "xss;sqli" || num(read["status"]) != 0 {
		t.Fatalf("read after update: %v", read)
	}
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/ignore/"+id+"?enterprise_project_id=0", ""))
	wantError(t, e.call(t, "GET", "policy/"+pid+"/ignore/"+id, ""), 404, "WAF.00022001")
}
