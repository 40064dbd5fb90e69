package httpapi_test

import (
	"strconv"
	"testing"
)

func TestWAFPunishmentRuleLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "punish")
	rev := e.revision(t)
	body := ok(t, e.call(t, "POST", "policy/"+pid+"/punishment?enterprise_project_id=0",
		`{"category":"long_ip_block","time_unit":"HOUR","block_time":12,"description":"scanners"}`))
	id := str(body["id"])
	if id == "" || body["policyid"] != pid || body["category"] != "long_ip_block" || body["time_unit"] != "HOUR" ||
		num(body["block_time"]) != 12 || body["description"] != "scanners" || num(body["timestamp"]) == 0 {
		t.Fatalf("create: %v", body)
	}
	if e.revision(t) != rev+1 {
		t.Fatal("create did not bump the WAF revision")
	}
	// One rule per category in a policy; another policy may have its own.
	wantError(t, e.call(t, "POST", "policy/"+pid+"/punishment", `{"category":"long_ip_block","block_time":400}`), 400, "WAF.00022004")
	ok(t, e.call(t, "POST", "policy/"+e.mustPolicy(t, "other")+"/punishment", `{"category":"long_ip_block","block_time":400}`))
	short := ok(t, e.call(t, "POST", "policy/"+pid+"/punishment", `{"category":"short_cookie_block","block_time":300}`))
	if short["time_unit"] != "SECOND" {
		t.Fatalf("time_unit default: %v", short)
	}
	// An update replaces block time, unit and description; an absent
	// category keeps the rule's.
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/punishment/"+id, `{"category":"long_ip_block","block_time":7776000}`))
	if up["category"] != "long_ip_block" || up["time_unit"] != "SECOND" || num(up["block_time"]) != 7776000 || up["description"] != "" {
		t.Fatalf("update: %v", up)
	}
	ok(t, e.call(t, "PUT", "policy/"+pid+"/punishment/"+id, `{"time_unit":"MONTH","block_time":3}`))
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/punishment/"+id, ""))
	if show["category"] != "long_ip_block" || show["time_unit"] != "MONTH" || num(show["block_time"]) != 3 || num(show["timestamp"]) != num(body["timestamp"]) {
		t.Fatalf("show: %v", show)
	}
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/punishment", ""))
	if num(list["total"]) != 2 || items(t, list)[0].(map[string]any)["id"] != id {
		t.Fatalf("list: %v", list)
	}
	if page := ok(t, e.call(t, "GET", "policy/"+pid+"/punishment?offset=1&limit=1", "")); len(items(t, page)) != 1 ||
		items(t, page)[0].(map[string]any)["id"] != short["id"] {
		t.Fatalf("offset 1: %v", page)
	}
	rev = e.revision(t)
	del := ok(t, e.call(t, "DELETE", "policy/"+pid+"/punishment/"+id, ""))
	if del["id"] != id || e.revision(t) != rev+1 {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "policy/"+pid+"/punishment/"+id, ""), 404, "WAF.00022001")
	// The category is free again.
	ok(t, e.call(t, "POST", "policy/"+pid+"/punishment", `{"category":"long_ip_block","block_time":400}`))
}

// A known-attack-source rule a precise-protection rule or its policy
// follows cannot be deleted (WAF.00022003, as for a reference table in
// use); a copied policy follows its own copy.
func TestWAFPunishmentRuleInUse(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "punish")
	fid := e.mustPunishment(t, pid, "long_header_block")
	cid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/custom", customFollowing(fid)))["id"])
	wantError(t, e.call(t, "DELETE", "policy/"+pid+"/punishment/"+fid, ""), 400, "WAF.00022003")
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/custom/"+cid, ""))
	// The policy's basic protection follows it.
	pol := ok(t, e.call(t, "PATCH", "policy/"+pid, `{"action":{"category":"block","followed_action_id":"`+fid+`"}}`))
	if pol["action"].(map[string]any)["followed_action_id"] != fid {
		t.Fatalf("policy: %v", pol)
	}
	wantError(t, e.call(t, "PATCH", "policy/"+pid, `{"action":{"category":"block","followed_action_id":"0123456789abcdef0123456789abcdef"}}`), 400, "WAF.00021014")
	wantError(t, e.call(t, "DELETE", "policy/"+pid+"/punishment/"+fid, ""), 400, "WAF.00022003")
	// A copy of the policy follows the copy of the rule.
	ok(t, e.call(t, "POST", "policy/"+pid+"/custom", customFollowing(fid)))
	cp := ok(t, e.call(t, "POST", "policies/"+pid+"/copy?dest_policy_name=copy", ""))
	cpid := str(cp["id"])
	copies := items(t, ok(t, e.call(t, "GET", "policy/"+cpid+"/punishment", "")))
	if len(copies) != 1 {
		t.Fatalf("copied rules: %v", copies)
	}
	copied := str(copies[0].(map[string]any)["id"])
	rule := items(t, ok(t, e.call(t, "GET", "policy/"+cpid+"/custom", "")))[0].(map[string]any)
	if copied == fid || cp["action"].(map[string]any)["followed_action_id"] != copied ||
		rule["action"].(map[string]any)["followed_action_id"] != copied {
		t.Fatalf("copy %v follows %v", cp, rule)
	}
	ok(t, e.call(t, "PATCH", "policy/"+pid, `{"action":{"category":"block","followed_action_id":""}}`))
	for _, it := range items(t, ok(t, e.call(t, "GET", "policy/"+pid+"/custom", ""))) {
		ok(t, e.call(t, "DELETE", "policy/"+pid+"/custom/"+str(it.(map[string]any)["id"]), ""))
	}
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/punishment/"+fid, ""))
}

func TestWAFPunishmentRuleValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "punish")
	rid := e.mustPunishment(t, pid, "long_params_block")
	unknown := "0123456789abcdef0123456789abcdef"
	post := "policy/" + pid + "/punishment"
	put := post + "/" + rid
	body := func(category, unit string, blockTime int) string {
		b := `{"category":"` + category + `","block_time":` + strconv.Itoa(blockTime)
		if unit != "" {
			b += `,"time_unit":"` + unit + `"`
		}
		return b + "}"
	}
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoCategory", "POST", post, `{"block_time":400}`, 400, "WAF.00021003"},
		{"BadCategory", "POST", post, body("long_asn_block", "", 400), 400, "WAF.00021003"},
		{"NoBlockTime", "POST", post, `{"category":"long_ip_block"}`, 400, "WAF.00021003"},
		{"BadUnit", "POST", post, body("long_ip_block", "WEEK", 1), 400, "WAF.00021003"},
		{"ShortInMinutes", "POST", post, body("short_ip_block", "MINUTE", 1), 400, "WAF.00021003"},
		{"Short0", "POST", post, body("short_ip_block", "", 0), 400, "WAF.00021003"},
		{"Short301", "POST", post, body("short_ip_block", "SECOND", 301), 400, "WAF.00021003"},
		{"Long300Seconds", "POST", post, body("long_ip_block", "", 300), 400, "WAF.00021003"},
		{"Long7776001Seconds", "POST", post, body("long_ip_block", "SECOND", 7776001), 400, "WAF.00021003"},
		{"Long5Minutes", "POST", post, body("long_ip_block", "MINUTE", 5), 400, "WAF.00021003"},
		{"Long129601Minutes", "POST", post, body("long_ip_block", "MINUTE", 129601), 400, "WAF.00021003"},
		{"Long2161Hours", "POST", post, body("long_ip_block", "HOUR", 2161), 400, "WAF.00021003"},
		{"Long91Days", "POST", post, body("long_ip_block", "DAY", 91), 400, "WAF.00021003"},
		{"Long4Months", "POST", post, body("long_ip_block", "MONTH", 4), 400, "WAF.00021003"},
		{"Long0Months", "POST", post, body("long_ip_block", "MONTH", 0), 400, "WAF.00021003"},
		{"BadDescription", "POST", post, `{"category":"long_ip_block","block_time":400,"description":"<x>"}`, 400, "WAF.00021016"},
		{"NotJSON", "POST", post, `{`, 400, "WAF.00021003"},
		{"UnknownPolicy", "POST", "policy/" + unknown + "/punishment", body("long_ip_block", "", 400), 404, "WAF.00022001"},
		{"ListUnknownPolicy", "GET", "policy/" + unknown + "/punishment", "", 404, "WAF.00022001"},
		{"BadPageSize", "GET", post + "?pagesize=0", "", 400, "WAF.00021020"},
		{"ShowUnknown", "GET", post + "/" + unknown, "", 404, "WAF.00022001"},
		{"UpdateUnknown", "PUT", post + "/" + unknown, body("long_params_block", "", 400), 404, "WAF.00022001"},
		{"UpdateCategory", "PUT", put, body("long_ip_block", "", 400), 400, "WAF.00021003"},
		{"UpdateBadCategory", "PUT", put, body("medium_ip_block", "", 400), 400, "WAF.00021003"},
		{"UpdateOutOfRange", "PUT", put, body("long_params_block", "DAY", 91), 400, "WAF.00021003"},
		{"DeleteUnknown", "DELETE", post + "/" + unknown, "", 404, "WAF.00022001"},
		{"NoRuleType", "PUT", put + "/status", `{"status":0}`, 400, "WAF.00021002"},
		{"NoBatchDelete", "POST", "rule/punishment/batch-delete", `{"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `"]}]}`, 400, "WAF.00021002"},
		{"WriteAllEPs", "POST", post + "?enterprise_project_id=all_granted_eps", body("long_ip_block", "", 400), 400, "WAF.00012010"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.revision(t)
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
			if e.revision(t) != rev {
				t.Fatal("a refused request changed the revision")
			}
		})
	}
	// Every bound of Huawei's table is accepted.
	for _, b := range [][3]any{
		{"short_ip_block", "", 1}, {"short_cookie_block", "SECOND", 300}, {"long_ip_block", "", 301}, {"long_cookie_block", "SECOND", 7776000},
		{"long_header_block", "MINUTE", 6}, {"short_header_block", "SECOND", 150},
	} {
		res := e.call(t, "POST", post, body(b[0].(string), b[1].(string), b[2].(int)))
		if res.Status != 200 {
			t.Errorf("%v: %d %s", b, res.Status, res.Raw)
		}
	}
	for _, b := range []string{body("long_params_block", "MINUTE", 129600), body("long_params_block", "HOUR", 2160), body("long_params_block", "HOUR", 1),
		body("long_params_block", "DAY", 90), body("long_params_block", "DAY", 1), body("long_params_block", "MONTH", 1), body("long_params_block", "MONTH", 3), `{"block_time":400}`} {
		if res := e.call(t, "PUT", put, b); res.Status != 200 {
			t.Errorf("update %s: %d %s", b, res.Status, res.Raw)
		}
	}
}

// TestWAFPunishmentRuleTerraform replays what
// huaweicloud_waf_rule_known_attack_source sends (category, block_time in
// seconds, description, no time_unit) and checks what its read returns.
func TestWAFPunishmentRuleTerraform(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "tf")
	id := str(ok(t, e.call(t, "POST", "policy/"+pid+"/punishment?enterprise_project_id=0",
		`{"category":"long_ip_block","block_time":500,"description":"test description"}`))["id"])
	read := ok(t, e.call(t, "GET", "policy/"+pid+"/punishment/"+id+"?enterprise_project_id=0", ""))
	if read["policyid"] != pid || num(read["block_time"]) != 500 || read["category"] != "long_ip_block" || read["description"] != "test description" {
		t.Fatalf("read after create: %v", read)
	}
	ok(t, e.call(t, "PUT", "policy/"+pid+"/punishment/"+id+"?enterprise_project_id=0",
		`{"category":"long_ip_block","block_time":1000,"description":""}`))
	read = ok(t, e.call(t, "GET", "policy/"+pid+"/punishment/"+id+"?enterprise_project_id=0", ""))
	if num(read["block_time"]) != 1000 || read["description"] != "" {
		t.Fatalf("read after update: %v", read)
	}
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/punishment/"+id+"?enterprise_project_id=0", ""))
	wantError(t, e.call(t, "GET", "policy/"+pid+"/punishment/"+id+"?enterprise_project_id=0", ""), 404, "WAF.00022001")
}
