package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// customBody is a valid precise-protection rule body with a time window.
const customBody = `{"name":"login","description":"admin login","time":true,"start":1700000000,"terminal":1800000000,` +
	`"priority":10,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/admin"]},` +
	`{"category":"header","index":"x-debug","logic_operation":"exist"}],"action":{"category":"block"}}`

// customFollowing is customBody whose block is followed by the
// known-attack-source rule id.
func customFollowing(id string) string {
	return strings.Replace(customBody, `"action":{"category":"block"}`, `"action":{"category":"block","followed_action_id":"`+id+`"}`, 1)
}

// mustPunishment creates a known-attack-source rule of the category in the
// policy and returns its ID.
func (e *wafEnv) mustPunishment(t *testing.T, policyID, category string) string {
	t.Helper()
	return str(ok(t, e.call(t, "POST", "policy/"+policyID+"/punishment", `{"category":"`+category+`","block_time":10,"time_unit":"MINUTE"}`))["id"])
}

// customWith is customBody with one top-level field replaced (or added).
func customWith(field, value string) string {
	fields := map[string]string{
		"name": `"login"`, "description": `"admin login"`, "time": `true`, "start": `1700000000`, "terminal": `1800000000`,
		"priority": `10`, "conditions": `[{"category":"url","logic_operation":"prefix","contents":["/admin"]}]`,
		"action": `{"category":"block"}`,
	}
	fields[field] = value
	var parts []string
	for k, v := range fields {
		if v != "" {
			parts = append(parts, `"`+k+`":`+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// customCondition is a body of one condition (and no time window).
func customCondition(c string) string {
	return `{"name":"c","time":false,"priority":1,"conditions":[` + c + `],"action":{"category":"log"}}`
}

func TestWAFCustomRuleLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "custom")
	fid := e.mustPunishment(t, pid, "long_ip_block")
	rev := e.revision(t)
	body := ok(t, e.call(t, "POST", "policy/"+pid+"/custom?enterprise_project_id=0", customFollowing(fid)))
	id := str(body["id"])
	act, _ := body["action"].(map[string]any)
	if id == "" || body["policyid"] != pid || body["name"] != "login" || body["description"] != "admin login" ||
		body["time"] != true || num(body["start"]) != 1700000000 || num(body["terminal"]) != 1800000000 ||
		num(body["priority"]) != 10 || num(body["status"]) != 1 || num(body["timestamp"]) == 0 || num(body["producer"]) != 1 ||
		act["category"] != "block" || act["followed_action_id"] != fid {
		t.Fatalf("create: %v", body)
	}
	if e.revision(t) != rev+1 {
		t.Fatal("create did not bump the WAF revision")
	}
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/custom/"+id, ""))
	conds, _ := show["conditions"].([]any)
	if len(conds) != 2 {
		t.Fatalf("show: %v", show)
	}
	c0, c1 := conds[0].(map[string]any), conds[1].(map[string]any)
	if c0["category"] != "url" || c0["logic_operation"] != "prefix" || fmt.Sprint(c0["contents"]) != "[/admin]" || c0["index"] != nil ||
		c1["category"] != "header" || c1["index"] != "x-debug" || c1["logic_operation"] != "exist" || c1["contents"] != nil {
		t.Fatalf("show conditions: %v", conds)
	}
	// An update replaces the rule: no window, no description, no follow-up.
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/custom/"+id,
		`{"name":"login2","time":false,"priority":0,"conditions":[{"category":"method","logic_operation":"equal","contents":["POST"]}],"action":{"category":"pass"}}`))
	if up["name"] != "login2" || up["time"] != false || up["start"] != nil || up["terminal"] != nil || up["description"] != "" ||
		num(up["priority"]) != 0 || up["action"].(map[string]any)["followed_action_id"] != nil || num(up["timestamp"]) != num(body["timestamp"]) {
		t.Fatalf("update: %v", up)
	}
	st := ok(t, e.call(t, "PUT", "policy/"+pid+"/custom/"+id+"/status", `{"status":0}`))
	if num(st["status"]) != 0 || st["id"] != id {
		t.Fatalf("status: %v", st)
	}
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/custom", ""))
	if num(list["total"]) != 1 || num(items(t, list)[0].(map[string]any)["status"]) != 0 {
		t.Fatalf("list: %v", list)
	}
	rev = e.revision(t)
	del := ok(t, e.call(t, "DELETE", "policy/"+pid+"/custom/"+id, ""))
	if del["id"] != id || e.revision(t) != rev+1 {
		t.Fatalf("delete: %v (revision %d after %d)", del, e.revision(t), rev)
	}
	wantError(t, e.call(t, "GET", "policy/"+pid+"/custom/"+id, ""), 404, "WAF.00022001")
}

func TestWAFCustomRuleBatch(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	p1, p2 := e.mustPolicy(t, "a"), e.mustPolicy(t, "b")
	created := ok(t, e.call(t, "POST", "rule/custom", strings.TrimSuffix(customBody, "}")+`,"policy_ids":["`+p1+`","`+p2+`"]}`))
	if created["policyid"] != p1 || created["name"] != "login" {
		t.Fatalf("batch create: %v", created)
	}
	all := items(t, ok(t, e.call(t, "GET", "rule/custom?policyids="+p1+","+p2, "")))
	if len(all) != 2 {
		t.Fatalf("cross-policy list: %v", all)
	}
	var ids []string
	var pairs []string
	for _, it := range all {
		r := it.(map[string]any)
		ids = append(ids, str(r["id"]))
		pairs = append(pairs, `{"policy_id":"`+str(r["policyid"])+`","rule_ids":["`+str(r["id"])+`"]}`)
	}
	// A batch update changes only the fields it carries.
	ok(t, e.call(t, "POST", "rule/custom/batch-update", `{"status":0,"priority":3,"policy_rule_ids":[`+strings.Join(pairs, ",")+`]}`))
	for i, pid := range []string{p1, p2} {
		r := ok(t, e.call(t, "GET", "policy/"+pid+"/custom/"+ids[i], ""))
		if num(r["status"]) != 0 || num(r["priority"]) != 3 || r["name"] != "login" || r["time"] != true ||
			num(r["start"]) != 1700000000 || num(r["terminal"]) != 1800000000 || len(r["conditions"].([]any)) != 2 ||
			r["action"].(map[string]any)["followed_action_id"] != nil {
			t.Fatalf("after batch update: %v", r)
		}
	}
	// One bad rule in a batch update changes none.
	wantError(t, e.call(t, "POST", "rule/custom/batch-update", `{"time":false,"start":5,"policy_rule_ids":[`+strings.Join(pairs, ",")+`]}`), 400, "WAF.00021003")
	ok(t, e.call(t, "POST", "rule/custom/batch-update", `{"time":false,"conditions":[{"category":"ip","logic_operation":"equal","contents":["192.0.2.1"]}],`+
		`"policy_rule_ids":[`+pairs[0]+`]}`))
	r := ok(t, e.call(t, "GET", "policy/"+p1+"/custom/"+ids[0], ""))
	if r["time"] != false || r["start"] != nil || len(r["conditions"].([]any)) != 1 {
		t.Fatalf("after clearing the window: %v", r)
	}
	// BatchDeleteRules with rule_type custom.
	ok(t, e.call(t, "POST", "rule/custom/batch-delete", `{"policy_rule_ids":[`+strings.Join(pairs, ",")+`]}`))
	if n := num(ok(t, e.call(t, "GET", "rule/custom?policyids="+p1+","+p2, ""))["total"]); n != 0 {
		t.Fatalf("after batch delete: %d rules", n)
	}
}

func TestWAFCustomRuleValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "custom")
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/custom", customBody))["id"])
	unknown := "0123456789abcdef0123456789abcdef"
	theirs := e.mustPunishment(t, e.mustPolicy(t, "other"), "long_ip_block")
	cond := func(c string) string { return customCondition(c) }
	many := strings.TrimSuffix(strings.Repeat(`{"category":"url","logic_operation":"contain","contents":["a"]},`, 31), ",")
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoName", "POST", "policy/" + pid + "/custom", customWith("name", ""), 400, "WAF.00021005"},
		{"BadName", "POST", "policy/" + pid + "/custom", customWith("name", `"a b"`), 400, "WAF.00021005"},
		{"LongName", "POST", "policy/" + pid + "/custom", customWith("name", `"`+strings.Repeat("n", 129)+`"`), 400, "WAF.00021005"},
		{"NoTime", "POST", "policy/" + pid + "/custom", customWith("time", ""), 400, "WAF.00021003"},
		{"StartWithoutTime", "POST", "policy/" + pid + "/custom", customWith("time", "false"), 400, "WAF.00021003"},
		{"NegativeStart", "POST", "policy/" + pid + "/custom", customWith("start", "-1"), 400, "WAF.00021003"},
		{"TerminalBeforeStart", "POST", "policy/" + pid + "/custom", customWith("terminal", "1600000000"), 400, "WAF.00021003"},
		{"NoPriority", "POST", "policy/" + pid + "/custom", customWith("priority", ""), 400, "WAF.00021003"},
		{"NegativePriority", "POST", "policy/" + pid + "/custom", customWith("priority", "-1"), 400, "WAF.00021003"},
		{"Priority1001", "POST", "policy/" + pid + "/custom", customWith("priority", "1001"), 400, "WAF.00021003"},
		{"PriorityString", "POST", "policy/" + pid + "/custom", customWith("priority", `"1"`), 400, "WAF.00021003"},
		{"NoConditions", "POST", "policy/" + pid + "/custom", customWith("conditions", ""), 400, "WAF.00021003"},
		{"EmptyConditions", "POST", "policy/" + pid + "/custom", customWith("conditions", "[]"), 400, "WAF.00021003"},
		{"TooManyConditions", "POST", "policy/" + pid + "/custom", customWith("conditions", "["+many+"]"), 400, "WAF.00021021"},
		{"NoAction", "POST", "policy/" + pid + "/custom", customWith("action", ""), 400, "WAF.00021014"},
		{"ActionCaptcha", "POST", "policy/" + pid + "/custom", customWith("action", `{"category":"captcha"}`), 400, "WAF.00021014"},
		{"FollowedWithLog", "POST", "policy/" + pid + "/custom", customWith("action", `{"category":"log","followed_action_id":"a1"}`), 400, "WAF.00021014"},
		{"FollowedNotAnID", "POST", "policy/" + pid + "/custom", customWith("action", `{"category":"block","followed_action_id":"a/b"}`), 400, "WAF.00021014"},
		{"FollowedUnknown", "POST", "policy/" + pid + "/custom", customFollowing(unknown), 400, "WAF.00021014"},
		{"FollowedOfAnotherPolicy", "POST", "policy/" + pid + "/custom", customFollowing(theirs), 400, "WAF.00021014"},
		{"FollowedUnknownUpdate", "PUT", "policy/" + pid + "/custom/" + rid, customFollowing(theirs), 400, "WAF.00021014"},
		{"FollowedUnknownBatchUpdate", "POST", "rule/custom/batch-update", `{"action":{"category":"block","followed_action_id":"` + theirs + `"},"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `"]}]}`, 400, "WAF.00021014"},
		{"FollowedUnknownPolicy", "POST", "policy/" + unknown + "/custom", customFollowing(theirs), 404, "WAF.00022001"},
		{"BadDescription", "POST", "policy/" + pid + "/custom", customWith("description", `"<b>"`), 400, "WAF.00021016"},
		{"UnknownCategory", "POST", "policy/" + pid + "/custom", cond(`{"category":"body","logic_operation":"contain","contents":["a"]}`), 400, "WAF.00021003"},
		{"UnknownOperation", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"like","contents":["a"]}`), 400, "WAF.00021003"},
		{"RegexNotAllowed", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"regular_match","contents":["a"]}`), 400, "WAF.00021003"},
		{"IPContain", "POST", "policy/" + pid + "/custom", cond(`{"category":"ip","logic_operation":"contain","contents":["192.0.2.1"]}`), 400, "WAF.00021003"},
		{"IPNotAddress", "POST", "policy/" + pid + "/custom", cond(`{"category":"ip","logic_operation":"equal","contents":["192.0.2.300"]}`), 400, "WAF.00021003"},
		{"IPv6InIP", "POST", "policy/" + pid + "/custom", cond(`{"category":"ip","logic_operation":"equal","contents":["2001:db8::/32"]}`), 400, "WAF.00021003"},
		{"IPv4InIPv6", "POST", "policy/" + pid + "/custom", cond(`{"category":"ipv6","logic_operation":"equal","contents":["192.0.2.0/24"]}`), 400, "WAF.00021003"},
		{"MethodPrefix", "POST", "policy/" + pid + "/custom", cond(`{"category":"method","logic_operation":"prefix","contents":["GE"]}`), 400, "WAF.00021003"},
		{"MethodLowerCase", "POST", "policy/" + pid + "/custom", cond(`{"category":"method","logic_operation":"equal","contents":["get"]}`), 400, "WAF.00021003"},
		{"RequestLineContain", "POST", "policy/" + pid + "/custom", cond(`{"category":"request_line","logic_operation":"contain","contents":["a"]}`), 400, "WAF.00021003"},
		{"RequestLenNotNumber", "POST", "policy/" + pid + "/custom", cond(`{"category":"request","logic_operation":"len_greater","contents":["big"]}`), 400, "WAF.00021003"},
		{"URLExist", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"exist"}`), 400, "WAF.00021003"},
		{"URLNumGreater", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"num_greater","contents":["1"]}`), 400, "WAF.00021003"},
		{"URLEqualNoSlash", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"equal","contents":["admin"]}`), 400, "WAF.00021003"},
		{"ParamsNoIndex", "POST", "policy/" + pid + "/custom", cond(`{"category":"params","logic_operation":"contain","contents":["a"]}`), 400, "WAF.00021003"},
		{"CookieNoIndex", "POST", "policy/" + pid + "/custom", cond(`{"category":"cookie","logic_operation":"exist"}`), 400, "WAF.00021003"},
		{"URLWithIndex", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","index":"x","logic_operation":"contain","contents":["a"]}`), 400, "WAF.00021003"},
		{"LongIndex", "POST", "policy/" + pid + "/custom", cond(`{"category":"header","index":"` + strings.Repeat("h", 257) + `","logic_operation":"exist"}`), 400, "WAF.00021003"},
		{"NoContents", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"contain"}`), 400, "WAF.00021003"},
		{"TwoContents", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"contain","contents":["a","b"]}`), 400, "WAF.00021003"},
		{"EmptyContent", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"contain","contents":[""]}`), 400, "WAF.00021003"},
		{"LongContent", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"contain","contents":["` + strings.Repeat("c", 2049) + `"]}`), 400, "WAF.00021003"},
		{"ExistWithContents", "POST", "policy/" + pid + "/custom", cond(`{"category":"header","index":"h","logic_operation":"exist","contents":["a"]}`), 400, "WAF.00021003"},
		{"AnyWithoutValueList", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"prefix_any"}`), 400, "WAF.00021003"},
		{"AnyWithContents", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"prefix_any","contents":["/a"],"value_list_id":"v1"}`), 400, "WAF.00021003"},
		{"ValueListWithPlainOperation", "POST", "policy/" + pid + "/custom", cond(`{"category":"url","logic_operation":"prefix","contents":["/a"],"value_list_id":"v1"}`), 400, "WAF.00021003"},
		{"ValueListUnknown", "POST", "policy/" + pid + "/custom", cond(`{"category":"header","index":"h","logic_operation":"contain_any","value_list_id":"` + unknown + `"}`), 400, "WAF.00021003"},
		{"ValueListUnknownUpdate", "PUT", "policy/" + pid + "/custom/" + rid, cond(`{"category":"ip","logic_operation":"equal_any","value_list_id":"` + unknown + `"}`), 400, "WAF.00021003"},
		{"NotJSON", "POST", "policy/" + pid + "/custom", `{`, 400, "WAF.00021003"},
		{"UnknownPolicy", "POST", "policy/" + unknown + "/custom", customBody, 404, "WAF.00022001"},
		{"ListUnknownPolicy", "GET", "policy/" + unknown + "/custom", "", 404, "WAF.00022001"},
		{"BadPageSize", "GET", "policy/" + pid + "/custom?pagesize=101", "", 400, "WAF.00021020"},
		{"ShowUnknown", "GET", "policy/" + pid + "/custom/" + unknown, "", 404, "WAF.00022001"},
		{"UpdateUnknown", "PUT", "policy/" + pid + "/custom/" + unknown, customBody, 404, "WAF.00022001"},
		{"UpdateInvalid", "PUT", "policy/" + pid + "/custom/" + rid, customWith("priority", "5000"), 400, "WAF.00021003"},
		{"DeleteUnknown", "DELETE", "policy/" + pid + "/custom/" + unknown, "", 404, "WAF.00022001"},
		{"BatchCreateNoPolicies", "POST", "rule/custom", customBody, 400, "WAF.00021003"},
		{"BatchCreateOneUnknown", "POST", "rule/custom", strings.TrimSuffix(customBody, "}") + `,"policy_ids":["` + pid + `","` + unknown + `"]}`, 404, "WAF.00022001"},
		{"BatchUpdateNoIDs", "POST", "rule/custom/batch-update", `{"status":0}`, 400, "WAF.00021003"},
		{"BatchUpdateUnknownRule", "POST", "rule/custom/batch-update", `{"status":0,"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `","` + unknown + `"]}]}`, 404, "WAF.00022001"},
		{"BatchUpdateBadStatus", "POST", "rule/custom/batch-update", `{"status":2,"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `"]}]}`, 400, "WAF.00021015"},
		{"BatchUpdateBadCondition", "POST", "rule/custom/batch-update", `{"conditions":[{"category":"ip","logic_operation":"prefix","contents":["1"]}],"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `"]}]}`, 400, "WAF.00021003"},
		{"BatchDeleteUnknown", "POST", "rule/custom/batch-delete", `{"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `","` + unknown + `"]}]}`, 404, "WAF.00022001"},
		{"StatusBad", "PUT", "policy/" + pid + "/custom/" + rid + "/status", `{"status":2}`, 400, "WAF.00021015"},
		{"StatusWrongType", "PUT", "policy/" + pid + "/geoip/" + rid + "/status", `{"status":0}`, 404, "WAF.00022001"},
		{"WriteAllEPs", "POST", "policy/" + pid + "/custom?enterprise_project_id=all_granted_eps", customBody, 400, "WAF.00012010"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.revision(t)
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
			if e.revision(t) != rev {
				t.Fatal("a refused request changed the revision")
			}
		})
	}
	// Nothing refused was stored or changed.
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/custom", ""))
	r := items(t, list)[0].(map[string]any)
	if num(list["total"]) != 1 || r["name"] != "login" || num(r["priority"]) != 10 || num(r["status"]) != 1 {
		t.Fatalf("after refused writes: %v", list)
	}
}

// Every condition category and logic operation of Huawei's precise-protection
// table is accepted (but the reference-table forms, refused until reference
// tables are served).
func TestWAFCustomRuleAcceptsEveryOperation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "custom")
	text := []string{"contain", "not_contain", "equal", "not_equal", "prefix", "not_prefix", "suffix", "not_suffix"}
	length := []string{"len_greater", "len_less", "len_equal", "len_not_equal"}
	var conds []string
	for _, c := range []string{"url", "user-agent", "referer"} {
		for _, op := range text {
			conds = append(conds, `{"category":"`+c+`","logic_operation":"`+op+`","contents":["/a"]}`)
		}
		for _, op := range length {
			conds = append(conds, `{"category":"`+c+`","logic_operation":"`+op+`","contents":["10"]}`)
		}
	}
	for _, c := range []string{"params", "cookie", "header"} {
		for _, op := range text {
			conds = append(conds, `{"category":"`+c+`","index":"k","logic_operation":"`+op+`","contents":["v"]}`)
		}
		for _, op := range append(length, "num_greater", "num_less", "num_equal", "num_not_equal") {
			conds = append(conds, `{"category":"`+c+`","index":"k","logic_operation":"`+op+`","contents":["7"]}`)
		}
		for _, op := range []string{"exist", "not_exist"} {
			conds = append(conds, `{"category":"`+c+`","index":"k","logic_operation":"`+op+`"}`)
		}
	}
	for _, c := range []string{"request_line", "request"} {
		for _, op := range length {
			conds = append(conds, `{"category":"`+c+`","logic_operation":"`+op+`","contents":["8192"]}`)
		}
	}
	for _, op := range []string{"equal", "not_equal"} {
		conds = append(conds,
			`{"category":"ip","logic_operation":"`+op+`","contents":["192.0.2.7"]}`,
			`{"category":"ip","logic_operation":"`+op+`","contents":["198.51.100.0/24"]}`,
			`{"category":"ipv6","logic_operation":"`+op+`","contents":["2001:db8::1"]}`,
			`{"category":"ipv6","logic_operation":"`+op+`","contents":["2001:db8::/32"]}`,
			`{"category":"method","logic_operation":"`+op+`","contents":["DELETE"]}`)
	}
	for _, c := range conds {
		if res := e.call(t, "POST", "policy/"+pid+"/custom", customCondition(c)); res.Status != 200 {
			t.Errorf("%s: %d %s", c, res.Status, res.Raw)
		}
	}
	urls := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"paths","type":"url","values":["/admin"]}`))["id"])
	ips := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"nets","type":"ip","values":["192.0.2.0/24"]}`))["id"])
	table := []string{"contain_any", "not_contain_all", "equal_any", "not_equal_all", "prefix_any", "not_prefix_all", "suffix_any", "not_suffix_all"}
	for _, op := range table {
		if res := e.call(t, "POST", "policy/"+pid+"/custom",
			customCondition(`{"category":"url","logic_operation":"`+op+`","value_list_id":"`+urls+`"}`)); res.Status != 200 {
			t.Errorf("url %s over a url table: %d %s", op, res.Status, res.Raw)
		}
	}
	for _, c := range []string{"ip", "ipv6"} {
		for _, op := range []string{"equal_any", "not_equal_all"} {
			if res := e.call(t, "POST", "policy/"+pid+"/custom",
				customCondition(`{"category":"`+c+`","logic_operation":"`+op+`","value_list_id":"`+ips+`"}`)); res.Status != 200 {
				t.Errorf("%s %s over an ip table: %d %s", c, op, res.Status, res.Raw)
			}
		}
	}
}

// TestWAFCustomRuleTerraform replays what huaweicloud_waf_rule_precise_protection
// sends (seconds for start_time and end_time, "time" false without them,
// one content per condition, nothing for unset fields; status through the
// status operation) and checks what its read and import read back.
func TestWAFCustomRuleTerraform(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "tf")
	fid := e.mustPunishment(t, pid, "long_ip_block")
	created := ok(t, e.call(t, "POST", "policy/"+pid+"/custom?enterprise_project_id=0",
		`{"name":"rule_01","priority":10,"description":"description information","time":true,"start":1682942400,"terminal":1683720000,`+
			`"action":{"category":"block","followed_action_id":"`+fid+`"},`+
			`"conditions":[{"category":"url","logic_operation":"contain","contents":["login"]},`+
			`{"category":"params","index":"param_info","logic_operation":"contain","contents":["register"]}]}`))
	id := str(created["id"])
	ok(t, e.call(t, "PUT", "policy/"+pid+"/custom/"+id+"/status?enterprise_project_id=0", `{"status":0}`))
	// Read and import (policy_id/rule_id/enterprise_project_id) both GET the rule.
	read := ok(t, e.call(t, "GET", "policy/"+pid+"/custom/"+id+"?enterprise_project_id=0", ""))
	conds, _ := read["conditions"].([]any)
	act, _ := read["action"].(map[string]any)
	if read["name"] != "rule_01" || read["policyid"] != pid || read["description"] != "description information" ||
		num(read["priority"]) != 10 || num(read["status"]) != 0 || act["category"] != "block" ||
		act["followed_action_id"] != fid || num(read["start"]) != 1682942400 ||
		num(read["terminal"]) != 1683720000 || len(conds) != 2 {
		t.Fatalf("read after create: %v", read)
	}
	// Import without the enterprise project (<policy_id>/<rule_id>) reads the same rule.
	if imp := ok(t, e.call(t, "GET", "policy/"+pid+"/custom/"+id, "")); imp["id"] != id || imp["name"] != "rule_01" {
		t.Fatalf("import read: %v", imp)
	}
	c1 := conds[1].(map[string]any)
	if c1["category"] != "params" || c1["index"] != "param_info" || c1["logic_operation"] != "contain" ||
		fmt.Sprint(c1["contents"]) != "[register]" || c1["value_list_id"] != nil {
		t.Fatalf("read conditions: %v", conds)
	}
	// Removing start_time, end_time, description and known_attack_source_id.
	ok(t, e.call(t, "PUT", "policy/"+pid+"/custom/"+id+"?enterprise_project_id=0",
		`{"name":"rule_02","priority":20,"time":false,"action":{"category":"log"},`+
			`"conditions":[{"category":"user-agent","logic_operation":"prefix","contents":["curl"]}]}`))
	ok(t, e.call(t, "PUT", "policy/"+pid+"/custom/"+id+"/status?enterprise_project_id=0", `{"status":1}`))
	read = ok(t, e.call(t, "GET", "policy/"+pid+"/custom/"+id+"?enterprise_project_id=0", ""))
	act, _ = read["action"].(map[string]any)
	if read["name"] != "rule_02" || num(read["priority"]) != 20 || read["start"] != nil || read["terminal"] != nil ||
		read["description"] != "" || act["category"] != "log" || act["followed_action_id"] != nil || num(read["status"]) != 1 {
		t.Fatalf("read after update: %v", read)
	}
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/custom/"+id+"?enterprise_project_id=0", ""))
	// Terraform treats the 404 of the read after delete as "gone".
	wantError(t, e.call(t, "GET", "policy/"+pid+"/custom/"+id+"?enterprise_project_id=0", ""), 404, "WAF.00022001")
}

// TestWAFCustomRuleReferenceTables: a condition's value_list_id must name a
// reference table of the caller's project whose type is the condition's
// category, and a table a rule uses cannot be deleted until the rule is.
func TestWAFCustomRuleReferenceTables(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "reference")
	urls := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"paths","type":"url","values":["/admin"]}`))["id"])
	agents := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"agents","type":"user-agent","values":["curl"]}`))["id"])
	theirs := str(ok(t, e.callIn(t, e.Other, "POST", "valuelist", `{"name":"paths","type":"url","values":["/x"]}`))["id"])
	over := func(category, id string) string {
		return customCondition(`{"category":"` + category + `","logic_operation":"prefix_any","value_list_id":"` + id + `"}`)
	}
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/custom", over("url", urls)))["id"])
	wantError(t, e.call(t, "POST", "policy/"+pid+"/custom", over("url", agents)), 400, "WAF.00021003")
	wantError(t, e.call(t, "POST", "policy/"+pid+"/custom", over("url", theirs)), 400, "WAF.00021003")
	wantError(t, e.call(t, "PUT", "policy/"+pid+"/custom/"+rid, over("user-agent", urls)), 400, "WAF.00021003")
	if res := e.call(t, "PUT", "policy/"+pid+"/custom/"+rid, over("user-agent", agents)); res.Status != 200 {
		t.Fatalf("update to the user-agent table: %d %s", res.Status, res.Raw)
	}
	// The rule now uses the user-agent table, not the url one.
	ok(t, e.call(t, "DELETE", "valuelist/"+urls, ""))
	wantError(t, e.call(t, "DELETE", "valuelist/"+agents, ""), 400, "WAF.00022003")
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/custom/"+rid, ""))
	ok(t, e.call(t, "DELETE", "valuelist/"+agents, ""))
}
