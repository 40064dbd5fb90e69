package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// ccBody is a valid advanced (mode 1) CC rule body.
const ccBody = `{"name":"login","description":"slow down logins","mode":1,` +
	`"conditions":[{"category":"url","logic_operation":"prefix","contents":["/login"]},{"category":"header","index":"x-client","logic_operation":"exist"}],` +
	`"action":{"category":"block","detail":{"response":{"content_type":"application/json","content":"{\"error\":\"slow down\"}"}}},` +
	`"tag_type":"cookie","tag_index":"sid","limit_num":10,"limit_period":60,"lock_time":120,` +
	`"domain_aggregation":true,"region_aggregation":false,"priority":5,"cc_priority":100}`

// ccWith is a minimal valid CC body with top-level fields replaced, added
// or (value "") removed.
func ccWith(kv ...string) string {
	fields := map[string]string{
		"name": `"c"`, "mode": `1`, "conditions": `[{"category":"url","logic_operation":"prefix","contents":["/a"]}]`,
		"action": `{"category":"block"}`, "tag_type": `"ip"`, "limit_num": `10`, "limit_period": `60`,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		fields[kv[i]] = kv[i+1]
	}
	var parts []string
	for k, v := range fields {
		if v != "" {
			parts = append(parts, `"`+k+`":`+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestWAFCCRuleLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "cc")
	rev := e.revision(t)
	body := ok(t, e.call(t, "POST", "policy/"+pid+"/cc?enterprise_project_id=0", ccBody))
	id := str(body["id"])
	act, _ := body["action"].(map[string]any)
	resp, _ := act["detail"].(map[string]any)["response"].(map[string]any)
	if id == "" || body["policyid"] != pid || body["name"] != "login" || body["description"] != "slow down logins" ||
		num(body["mode"]) != 1 || body["url"] != nil || num(body["status"]) != 1 || body["tag_type"] != "cookie" ||
		body["tag_index"] != "sid" || body["tag_condition"] != nil || num(body["limit_num"]) != 10 || num(body["limit_period"]) != 60 ||
		num(body["lock_time"]) != 120 || num(body["unlock_num"]) != 0 || body["domain_aggregation"] != true ||
		body["region_aggregation"] != false || num(body["priority"]) != 5 || num(body["cc_priority"]) != 100 ||
		num(body["timestamp"]) == 0 || act["category"] != "block" || resp["content_type"] != "application/json" ||
		resp["content"] != `{"error":"slow down"}` {
		t.Fatalf("create: %v", body)
	}
	if e.revision(t) != rev+1 {
		t.Fatal("create did not bump the WAF revision")
	}
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/cc/"+id, ""))
	conds, _ := show["conditions"].([]any)
	if len(conds) != 2 {
		t.Fatalf("show: %v", show)
	}
	c0, c1 := conds[0].(map[string]any), conds[1].(map[string]any)
	if c0["category"] != "url" || c0["logic_operation"] != "prefix" || fmt.Sprint(c0["contents"]) != "[/login]" ||
		c1["category"] != "header" || c1["index"] != "x-client" || c1["contents"] != nil {
		t.Fatalf("show conditions: %v", conds)
	}
	// An update replaces the rule: standard mode, Referer keys, no
	// response, no priorities; the status and creation time stay.
	ok(t, e.call(t, "PUT", "policy/"+pid+"/cc/"+id+"/status", `{"status":0}`))
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/cc/"+id,
		`{"name":"api","mode":0,"url":"/api","prefix":true,"action":{"category":"captcha"},"tag_type":"other",`+
			`"tag_condition":{"category":"referer","contents":["https://a.example"]},"limit_num":3,"limit_period":1}`))
	tc, _ := up["tag_condition"].(map[string]any)
	if up["name"] != "api" || num(up["mode"]) != 0 || up["url"] != "/api" || up["prefix"] != true || up["conditions"] != nil ||
		up["action"].(map[string]any)["detail"] != nil || up["tag_type"] != "other" || up["tag_index"] != nil ||
		tc["category"] != "referer" || fmt.Sprint(tc["contents"]) != "[https://a.example]" || up["priority"] != nil ||
		up["cc_priority"] != nil || up["description"] != "" || num(up["lock_time"]) != 0 || up["domain_aggregation"] != false ||
		num(up["status"]) != 0 || num(up["timestamp"]) != num(body["timestamp"]) {
		t.Fatalf("update: %v", up)
	}
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/cc", ""))
	if num(list["total"]) != 1 || items(t, list)[0].(map[string]any)["id"] != id {
		t.Fatalf("list: %v", list)
	}
	if n := num(ok(t, e.call(t, "GET", "policy/"+pid+"/cc?name=ap", ""))["total"]); n != 1 {
		t.Fatalf("list by name: %v", n)
	}
	if n := num(ok(t, e.call(t, "GET", "policy/"+pid+"/cc?name=login", ""))["total"]); n != 0 {
		t.Fatalf("list by another name: %v", n)
	}
	rev = e.revision(t)
	del := ok(t, e.call(t, "DELETE", "policy/"+pid+"/cc/"+id, ""))
	if del["id"] != id || e.revision(t) != rev+1 {
		t.Fatalf("delete: %v (revision %d after %d)", del, e.revision(t), rev)
	}
	wantError(t, e.call(t, "GET", "policy/"+pid+"/cc/"+id, ""), 404, "WAF.00022001")
}

func TestWAFCCRuleBatch(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	p1, p2 := e.mustPolicy(t, "a"), e.mustPolicy(t, "b")
	created := ok(t, e.call(t, "POST", "rule/cc", strings.TrimSuffix(ccBody, "}")+`,"policy_ids":["`+p1+`","`+p2+`"]}`))
	if created["policyid"] != p1 || created["name"] != "login" {
		t.Fatalf("batch create: %v", created)
	}
	// The policyids query names the policies when the body does not.
	ok(t, e.call(t, "POST", "rule/cc?policyids="+p2, ccWith("name", `"q"`)))
	all := items(t, ok(t, e.call(t, "GET", "rule/cc?policyids="+p1+","+p2, "")))
	if len(all) != 3 {
		t.Fatalf("cross-policy list: %v", all)
	}
	var pairs []string
	for _, it := range all {
		r := it.(map[string]any)
		pairs = append(pairs, `{"policy_id":"`+str(r["policyid"])+`","rule_ids":["`+str(r["id"])+`"]}`)
	}
	ids := `"policy_rule_ids":[` + strings.Join(pairs, ",") + `]`
	// A batch update replaces every rule named, all or none.
	wantError(t, e.call(t, "POST", "rule/cc/batch-update", strings.TrimSuffix(ccWith("limit_period", "3601"), "}")+","+ids+"}"), 400, "WAF.00021003")
	ok(t, e.call(t, "PUT", "rule/cc/batch-update", strings.TrimSuffix(ccWith("name", `"same"`, "limit_num", "99"), "}")+","+ids+"}"))
	for _, it := range items(t, ok(t, e.call(t, "GET", "rule/cc", ""))) {
		r := it.(map[string]any)
		if r["name"] != "same" || num(r["limit_num"]) != 99 || r["tag_type"] != "ip" || num(r["status"]) != 1 {
			t.Fatalf("after batch update: %v", r)
		}
	}
	// UpdatePolicyRuleStatus and BatchDeleteRules take rule_type cc.
	first := all[0].(map[string]any)
	st := ok(t, e.call(t, "PUT", "policy/"+str(first["policyid"])+"/cc/"+str(first["id"])+"/status", `{"status":0}`))
	if num(st["status"]) != 0 || st["id"] != first["id"] {
		t.Fatalf("status: %v", st)
	}
	ok(t, e.call(t, "POST", "rule/cc/batch-delete", `{`+ids+`}`))
	if n := num(ok(t, e.call(t, "GET", "rule/cc?policyids="+p1+","+p2, ""))["total"]); n != 0 {
		t.Fatalf("after batch delete: %d rules", n)
	}
}

func TestWAFCCRuleValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "cc")
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/cc", ccBody))["id"])
	unknown := "0123456789abcdef0123456789abcdef"
	cond := func(c string) string { return ccWith("conditions", "["+c+"]") }
	many := strings.TrimSuffix(strings.Repeat(`{"category":"url","logic_operation":"contain","contents":["a"]},`, 31), ",")
	post := "policy/" + pid + "/cc"
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"BadName", "POST", post, ccWith("name", `"a b"`), 400, "WAF.00021005"},
		{"LongName", "POST", post, ccWith("name", `"`+strings.Repeat("n", 129)+`"`), 400, "WAF.00021005"},
		{"BadDescription", "POST", post, ccWith("description", `"<b>"`), 400, "WAF.00021016"},
		{"NoMode", "POST", post, ccWith("mode", ""), 400, "WAF.00021003"},
		{"Mode2", "POST", post, ccWith("mode", "2"), 400, "WAF.00021003"},
		{"Mode0NoURL", "POST", post, ccWith("mode", "0", "conditions", ""), 400, "WAF.00021003"},
		{"Mode0RelativeURL", "POST", post, ccWith("mode", "0", "conditions", "", "url", `"api"`), 400, "WAF.00021003"},
		{"Mode0WithConditions", "POST", post, ccWith("mode", "0", "url", `"/api"`), 400, "WAF.00021003"},
		{"Mode1NoConditions", "POST", post, ccWith("conditions", ""), 400, "WAF.00021003"},
		{"Mode1EmptyConditions", "POST", post, ccWith("conditions", "[]"), 400, "WAF.00021003"},
		{"Mode1WithURL", "POST", post, ccWith("url", `"/api"`), 400, "WAF.00021003"},
		{"Mode1WithPrefix", "POST", post, ccWith("prefix", "true"), 400, "WAF.00021003"},
		{"TooManyConditions", "POST", post, ccWith("conditions", "["+many+"]"), 400, "WAF.00021021"},
		{"UnknownCategory", "POST", post, cond(`{"category":"body","logic_operation":"contain","contents":["a"]}`), 400, "WAF.00021003"},
		{"UnsupportedCategory", "POST", post, cond(`{"category":"tls_ja3_fingerprint","logic_operation":"equal","contents":["a"]}`), 400, "WAF.00013002"},
		{"RequestLineNotCC", "POST", post, cond(`{"category":"request_line","logic_operation":"len_greater","contents":["1"]}`), 400, "WAF.00021003"},
		{"IPContain", "POST", post, cond(`{"category":"ip","logic_operation":"contain","contents":["192.0.2.1"]}`), 400, "WAF.00021003"},
		{"IPNotAddress", "POST", post, cond(`{"category":"ip","logic_operation":"equal","contents":["192.0.2.300"]}`), 400, "WAF.00021003"},
		{"MethodPrefix", "POST", post, cond(`{"category":"method","logic_operation":"prefix","contents":["GE"]}`), 400, "WAF.00021003"},
		{"HeaderNoIndex", "POST", post, cond(`{"category":"header","logic_operation":"exist"}`), 400, "WAF.00021003"},
		{"URLWithIndex", "POST", post, cond(`{"category":"url","index":"x","logic_operation":"contain","contents":["a"]}`), 400, "WAF.00021003"},
		{"NoContents", "POST", post, cond(`{"category":"url","logic_operation":"contain"}`), 400, "WAF.00021003"},
		{"AnyWithoutValueList", "POST", post, cond(`{"category":"url","logic_operation":"prefix_any"}`), 400, "WAF.00021003"},
		{"ValueListUnknown", "POST", post, cond(`{"category":"url","logic_operation":"prefix_any","value_list_id":"` + unknown + `"}`), 400, "WAF.00021003"},
		{"NoTagType", "POST", post, ccWith("tag_type", ""), 400, "WAF.00021003"},
		{"BadTagType", "POST", post, ccWith("tag_type", `"user"`), 400, "WAF.00021003"},
		{"CookieNoIndex", "POST", post, ccWith("tag_type", `"cookie"`), 400, "WAF.00021003"},
		{"TagHeaderNoIndex", "POST", post, ccWith("tag_type", `"header"`), 400, "WAF.00021003"},
		{"IPWithIndex", "POST", post, ccWith("tag_index", `"sid"`), 400, "WAF.00021003"},
		{"LongTagIndex", "POST", post, ccWith("tag_type", `"header"`, "tag_index", `"`+strings.Repeat("h", 257)+`"`), 400, "WAF.00021003"},
		{"OtherNoCondition", "POST", post, ccWith("tag_type", `"other"`), 400, "WAF.00021003"},
		{"OtherNotReferer", "POST", post, ccWith("tag_type", `"other"`, "tag_condition", `{"category":"host","contents":["a"]}`), 400, "WAF.00021003"},
		{"OtherNoContents", "POST", post, ccWith("tag_type", `"other"`, "tag_condition", `{"category":"referer","contents":[]}`), 400, "WAF.00021003"},
		{"IPWithTagCondition", "POST", post, ccWith("tag_condition", `{"category":"referer","contents":["a"]}`), 400, "WAF.00021003"},
		{"NoLimitNum", "POST", post, ccWith("limit_num", ""), 400, "WAF.00021003"},
		{"LimitNum0", "POST", post, ccWith("limit_num", "0"), 400, "WAF.00021003"},
		{"LimitNumTooBig", "POST", post, ccWith("limit_num", "2147483648"), 400, "WAF.00021003"},
		{"NoLimitPeriod", "POST", post, ccWith("limit_period", ""), 400, "WAF.00021003"},
		{"LimitPeriod0", "POST", post, ccWith("limit_period", "0"), 400, "WAF.00021003"},
		{"LimitPeriod3601", "POST", post, ccWith("limit_period", "3601"), 400, "WAF.00021003"},
		{"UnlockNumWithBlock", "POST", post, ccWith("unlock_num", "3"), 400, "WAF.00021003"},
		{"UnlockNumNegative", "POST", post, ccWith("action", `{"category":"dynamic_block"}`, "unlock_num", "-1"), 400, "WAF.00021003"},
		{"LockTimeNegative", "POST", post, ccWith("lock_time", "-1"), 400, "WAF.00021003"},
		{"LockTime65536", "POST", post, ccWith("lock_time", "65536"), 400, "WAF.00021003"},
		{"NoAction", "POST", post, ccWith("action", ""), 400, "WAF.00021014"},
		{"ActionPass", "POST", post, ccWith("action", `{"category":"pass"}`), 400, "WAF.00021014"},
		{"DynamicBlockMode0", "POST", post, ccWith("mode", "0", "conditions", "", "url", `"/a"`, "action", `{"category":"dynamic_block"}`), 400, "WAF.00021014"},
		{"ResponseWithLog", "POST", post, ccWith("action", `{"category":"log","detail":{"response":{"content_type":"text/html","content":"x"}}}`), 400, "WAF.00021014"},
		{"ResponseBadType", "POST", post, ccWith("action", `{"category":"block","detail":{"response":{"content_type":"text/plain","content":"x"}}}`), 400, "WAF.00021003"},
		{"ResponseEmpty", "POST", post, ccWith("action", `{"category":"block","detail":{"response":{"content_type":"text/html","content":""}}}`), 400, "WAF.00021003"},
		{"ResponseTooLong", "POST", post, ccWith("action", `{"category":"block","detail":{"response":{"content_type":"text/html","content":"`+strings.Repeat("x", 4097)+`"}}}`), 400, "WAF.00021003"},
		{"Priority0", "POST", post, ccWith("priority", "0"), 400, "WAF.00021003"},
		{"Priority101", "POST", post, ccWith("priority", "101"), 400, "WAF.00021003"},
		{"CCPriorityNegative", "POST", post, ccWith("cc_priority", "-1"), 400, "WAF.00021003"},
		{"CCPriority65536", "POST", post, ccWith("cc_priority", "65536"), 400, "WAF.00021003"},
		{"LimitNumString", "POST", post, ccWith("limit_num", `"10"`), 400, "WAF.00021003"},
		{"NotJSON", "POST", post, `{`, 400, "WAF.00021003"},
		{"UnknownPolicy", "POST", "policy/" + unknown + "/cc", ccBody, 404, "WAF.00022001"},
		{"ListUnknownPolicy", "GET", "policy/" + unknown + "/cc", "", 404, "WAF.00022001"},
		{"BadPageSize", "GET", post + "?pagesize=1001", "", 400, "WAF.00021020"},
		{"BadOffset", "GET", post + "?offset=-1&limit=10", "", 400, "WAF.00021020"},
		{"ShowUnknown", "GET", post + "/" + unknown, "", 404, "WAF.00022001"},
		{"UpdateUnknown", "PUT", post + "/" + unknown, ccBody, 404, "WAF.00022001"},
		{"UpdateInvalid", "PUT", post + "/" + rid, ccWith("limit_num", "0"), 400, "WAF.00021003"},
		{"DeleteUnknown", "DELETE", post + "/" + unknown, "", 404, "WAF.00022001"},
		{"BatchCreateNoPolicies", "POST", "rule/cc", ccBody, 400, "WAF.00021003"},
		{"BatchCreateOneUnknown", "POST", "rule/cc", strings.TrimSuffix(ccBody, "}") + `,"policy_ids":["` + pid + `","` + unknown + `"]}`, 404, "WAF.00022001"},
		{"BatchUpdateNoIDs", "POST", "rule/cc/batch-update", ccBody, 400, "WAF.00021003"},
		{"BatchUpdateUnknownRule", "POST", "rule/cc/batch-update", strings.TrimSuffix(ccBody, "}") + `,"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `","` + unknown + `"]}]}`, 404, "WAF.00022001"},
		{"BatchDeleteUnknown", "POST", "rule/cc/batch-delete", `{"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `","` + unknown + `"]}]}`, 404, "WAF.00022001"},
		{"StatusBad", "PUT", post + "/" + rid + "/status", `{"status":2}`, 400, "WAF.00021015"},
		{"StatusWrongType", "PUT", "policy/" + pid + "/custom/" + rid + "/status", `{"status":0}`, 404, "WAF.00022001"},
		{"WriteAllEPs", "POST", post + "?enterprise_project_id=all_granted_eps", ccBody, 400, "WAF.00012010"},
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
	list := ok(t, e.call(t, "GET", post, ""))
	r := items(t, list)[0].(map[string]any)
	if num(list["total"]) != 1 || r["name"] != "login" || num(r["limit_num"]) != 10 || num(r["status"]) != 1 {
		t.Fatalf("after refused writes: %v", list)
	}
}

// Every condition category and logic operation the CC table documents is
// accepted, as are the bounds of every range.
func TestWAFCCRuleAcceptsEveryOperationAndBound(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "cc")
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
		for _, op := range append(append(text, length...), "num_greater", "num_less", "num_equal", "num_not_equal") {
			conds = append(conds, `{"category":"`+c+`","index":"k","logic_operation":"`+op+`","contents":["7"]}`)
		}
		for _, op := range []string{"exist", "not_exist"} {
			conds = append(conds, `{"category":"`+c+`","index":"k","logic_operation":"`+op+`"}`)
		}
	}
	for _, op := range []string{"equal", "not_equal"} {
		conds = append(conds,
			`{"category":"ip","logic_operation":"`+op+`","contents":["192.0.2.0/24"]}`,
			`{"category":"ipv6","logic_operation":"`+op+`","contents":["2001:db8::/32"]}`,
			`{"category":"method","logic_operation":"`+op+`","contents":["POST"]}`)
	}
	for _, c := range conds {
		if res := e.call(t, "POST", "policy/"+pid+"/cc", ccWith("conditions", "["+c+"]")); res.Status != 200 {
			t.Errorf("%s: %d %s", c, res.Status, res.Raw)
		}
	}
	for _, b := range []string{
		ccWith("limit_num", "1", "limit_period", "1", "lock_time", "0", "priority", "1", "cc_priority", "0"),
		ccWith("limit_num", "2147483647", "limit_period", "3600", "lock_time", "65535", "priority", "100", "cc_priority", "65535"),
		ccWith("action", `{"category":"dynamic_block"}`),
		ccWith("action", `{"category":"dynamic_block","detail":{"response":{"content_type":"text/xml","content":"<a/>"}}}`, "unlock_num", "0"),
		ccWith("action", `{"category":"captcha"}`, "tag_type", `"policy"`),
		ccWith("action", `{"category":"log"}`, "tag_type", `"domain"`),
		ccWith("tag_type", `"url"`),
		ccWith("tag_type", `"header"`, "tag_index", `"x-user"`),
		ccWith("mode", "0", "conditions", "", "url", `"/api"`),
	} {
		if res := e.call(t, "POST", "policy/"+pid+"/cc", b); res.Status != 200 {
			t.Errorf("%s: %d %s", b, res.Status, res.Raw)
		}
	}
}

// TestWAFCCRuleReferenceTables: a CC condition's value_list_id must name a
// reference table of the caller's project of the condition's type, and a
// table a CC rule uses cannot be deleted until the rule is.
func TestWAFCCRuleReferenceTables(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "reference")
	urls := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"paths","type":"url","values":["/admin"]}`))["id"])
	ips := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"nets","type":"ip","values":["192.0.2.0/24"]}`))["id"])
	theirs := str(ok(t, e.callIn(t, e.Other, "POST", "valuelist", `{"name":"paths","type":"url","values":["/x"]}`))["id"])
	over := func(category, op, id string) string {
		return ccWith("conditions", `[{"category":"`+category+`","logic_operation":"`+op+`","value_list_id":"`+id+`"}]`)
	}
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/cc", over("url", "prefix_any", urls)))["id"])
	wantError(t, e.call(t, "POST", "policy/"+pid+"/cc", over("url", "prefix_any", ips)), 400, "WAF.00021003")
	wantError(t, e.call(t, "POST", "policy/"+pid+"/cc", over("url", "prefix_any", theirs)), 400, "WAF.00021003")
	ok(t, e.call(t, "POST", "policy/"+pid+"/cc", over("ipv6", "equal_any", ips)))
	wantError(t, e.call(t, "DELETE", "valuelist/"+urls, ""), 400, "WAF.00022003")
	ok(t, e.call(t, "PUT", "policy/"+pid+"/cc/"+rid, ccWith()))
	ok(t, e.call(t, "DELETE", "valuelist/"+urls, ""))
}

// TestWAFCCRuleTerraform replays what huaweicloud_waf_rule_cc_protection
// sends (mode 1; zero values and unset fields left out; status through the
// status operation) and checks what its read and import read back.
func TestWAFCCRuleTerraform(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "tf")
	created := ok(t, e.call(t, "POST", "policy/"+pid+"/cc?enterprise_project_id=0",
		`{"name":"rule1","tag_type":"cookie","tag_index":"user_id","limit_num":10,"limit_period":60,"lock_time":10,`+
			`"description":"test description","conditions":[{"category":"url","logic_operation":"contain","contents":["/login"]}],`+
			`"action":{"category":"block","detail":{"response":{"content_type":"application/json","content":"{\"error\":\"forbidden\"}"}}},"mode":1}`))
	id := str(created["id"])
	ok(t, e.call(t, "PUT", "policy/"+pid+"/cc/"+id+"/status?enterprise_project_id=0", `{"status":0}`))
	read := ok(t, e.call(t, "GET", "policy/"+pid+"/cc/"+id+"?enterprise_project_id=0", ""))
	act, _ := read["action"].(map[string]any)
	resp, _ := act["detail"].(map[string]any)["response"].(map[string]any)
	conds, _ := read["conditions"].([]any)
	if read["name"] != "rule1" || read["policyid"] != pid || num(read["status"]) != 0 || act["category"] != "block" ||
		resp["content_type"] != "application/json" || read["tag_type"] != "cookie" || read["tag_index"] != "user_id" ||
		num(read["limit_num"]) != 10 || num(read["limit_period"]) != 60 || num(read["lock_time"]) != 10 ||
		read["domain_aggregation"] != false || read["region_aggregation"] != false || read["description"] != "test description" ||
		len(conds) != 1 || fmt.Sprint(conds[0].(map[string]any)["contents"]) != "[/login]" {
		t.Fatalf("read after create: %v", read)
	}
	// Update to dynamic blocking by Referer with unlock_num 0 left out.
	ok(t, e.call(t, "PUT", "policy/"+pid+"/cc/"+id+"?enterprise_project_id=0",
		`{"name":"rule2","tag_type":"other","limit_num":20,"limit_period":30,"region_aggregation":true,`+
			`"conditions":[{"category":"ip","logic_operation":"equal","contents":["192.0.2.0/24"]}],`+
			`"action":{"category":"dynamic_block"},"tag_condition":{"category":"referer","contents":["https://example.com"]},"mode":1}`))
	read = ok(t, e.call(t, "GET", "policy/"+pid+"/cc/"+id+"?enterprise_project_id=0", ""))
	tc, _ := read["tag_condition"].(map[string]any)
	if read["name"] != "rule2" || read["tag_type"] != "other" || fmt.Sprint(tc["contents"]) != "[https://example.com]" ||
		read["action"].(map[string]any)["category"] != "dynamic_block" || num(read["unlock_num"]) != 0 ||
		read["region_aggregation"] != true || read["description"] != "" || num(read["status"]) != 0 {
		t.Fatalf("read after update: %v", read)
	}
	if imp := ok(t, e.call(t, "GET", "policy/"+pid+"/cc/"+id, "")); imp["id"] != id {
		t.Fatalf("import read: %v", imp)
	}
	ok(t, e.call(t, "DELETE", "policy/"+pid+"/cc/"+id+"?enterprise_project_id=0", ""))
	wantError(t, e.call(t, "GET", "policy/"+pid+"/cc/"+id+"?enterprise_project_id=0", ""), 404, "WAF.00022001")
}
