package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestWAFGeoIPReferenceExample(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "geo")
	rev := e.revision(t)
	// The reference page's example request.
	body := ok(t, e.call(t, "POST", "policy/"+pid+"/geoip?enterprise_project_id=0",
		`{ "white" : 0, "description" : "demo", "name" : "demo", "geoip" : "SH|Afghanistan" }`))
	if str(body["id"]) == "" || body["policyid"] != pid || body["name"] != "demo" || body["geoip"] != "SH|Afghanistan" ||
		num(body["white"]) != 0 || num(body["status"]) != 1 || num(body["timestamp"]) == 0 {
		t.Fatalf("create: %v", body)
	}
	if e.revision(t) != rev+1 {
		t.Fatal("create did not bump the revision")
	}
	id := str(body["id"])
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/geoip/"+id, ""))
	if show["geoip"] != "SH|Afghanistan" || num(show["white"]) != 0 {
		t.Fatalf("show: %v", show)
	}
	// Update (Terraform omits status), then the status endpoint.
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/geoip/"+id, `{"name":"demo2","geoip":"SH|GD","white":2,"description":""}`))
	if up["name"] != "demo2" || up["geoip"] != "SH|GD" || num(up["white"]) != 2 {
		t.Fatalf("update: %v", up)
	}
	st := ok(t, e.call(t, "PUT", "policy/"+pid+"/geoip/"+id+"/status", `{"status":0}`))
	if num(st["status"]) != 0 || st["id"] != id || st["policyid"] != pid {
		t.Fatalf("status: %v", st)
	}
	if num(ok(t, e.call(t, "GET", "policy/"+pid+"/geoip/"+id, ""))["status"]) != 0 {
		t.Fatal("status not stored")
	}
	// Afghanistan is free again, GD is taken.
	ok(t, e.call(t, "POST", "policy/"+pid+"/geoip", `{"white":1,"geoip":"Afghanistan"}`))
	wantError(t, e.call(t, "POST", "policy/"+pid+"/geoip", `{"white":1,"geoip":"US|GD"}`), 400, "WAF.00022004")
	// Another policy may use GD.
	other := e.mustPolicy(t, "geo2")
	ok(t, e.call(t, "POST", "policy/"+other+"/geoip", `{"white":1,"geoip":"GD"}`))

	list := ok(t, e.call(t, "GET", "policy/"+pid+"/geoip?page=1&pagesize=1", ""))
	if num(list["total"]) != 2 || len(items(t, list)) != 1 {
		t.Fatalf("list: %v", list)
	}
	all := ok(t, e.call(t, "GET", "rule/geoip?policyids="+pid+"&policyids="+other, ""))
	if num(all["total"]) != 3 {
		t.Fatalf("list across policies: %v", all)
	}
	del := ok(t, e.call(t, "DELETE", "policy/"+pid+"/geoip/"+id, ""))
	if del["id"] != id {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "policy/"+pid+"/geoip/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "GET", "policy/"+other+"/geoip/"+str(items(t, list)[0].(map[string]any)["id"]), ""), 404, "WAF.00022001")
}

func TestWAFGeoIPValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "geo")
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/geoip", `{"white":0,"geoip":"CN"}`))["id"])
	unknown := "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoGeoip", "POST", "policy/" + pid + "/geoip", `{"white":0}`, 400, "WAF.00021003"},
		{"EmptyGeoip", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":""}`, 400, "WAF.00021003"},
		{"UnknownCode", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH|XX"}`, 400, "WAF.00021003"},
		{"RepeatedCode", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH|SH"}`, 400, "WAF.00021003"},
		{"TrailingBar", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH|"}`, 400, "WAF.00021003"},
		{"NoWhite", "POST", "policy/" + pid + "/geoip", `{"geoip":"SH"}`, 400, "WAF.00021014"},
		{"White3", "POST", "policy/" + pid + "/geoip", `{"white":3,"geoip":"SH"}`, 400, "WAF.00021014"},
		{"WhiteNegative", "POST", "policy/" + pid + "/geoip", `{"white":-1,"geoip":"SH"}`, 400, "WAF.00021014"},
		{"Status2", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH","status":2}`, 400, "WAF.00021015"},
		{"BadName", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH","name":"a b"}`, 400, "WAF.00021005"},
		{"LongDescription", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH","description":"` + strings.Repeat("d", 257) + `"}`, 400, "WAF.00021016"},
		{"Conflict", "POST", "policy/" + pid + "/geoip", `{"white":0,"geoip":"SH|CN"}`, 400, "WAF.00022004"},
		{"UnknownPolicy", "POST", "policy/" + unknown + "/geoip", `{"white":0,"geoip":"SH"}`, 404, "WAF.00022001"},
		{"UnknownPolicyList", "GET", "policy/" + unknown + "/geoip", ``, 404, "WAF.00022001"},
		{"PageSize0", "GET", "policy/" + pid + "/geoip?pagesize=0", ``, 400, "WAF.00021020"},
		{"PageSize101", "GET", "policy/" + pid + "/geoip?pagesize=101", ``, 400, "WAF.00021020"},
		{"UpdateNoGeoip", "PUT", "policy/" + pid + "/geoip/" + rid, `{"white":0}`, 400, "WAF.00021003"},
		{"UpdateUnknown", "PUT", "policy/" + pid + "/geoip/" + unknown, `{"white":0,"geoip":"SH"}`, 404, "WAF.00022001"},
		{"StatusBad", "PUT", "policy/" + pid + "/geoip/" + rid + "/status", `{"status":5}`, 400, "WAF.00021015"},
		{"StatusMissing", "PUT", "policy/" + pid + "/geoip/" + rid + "/status", `{}`, 400, "WAF.00021015"},
		{"StatusUnknownType", "PUT", "policy/" + pid + "/bogus/" + rid + "/status", `{"status":1}`, 400, "WAF.00021002"},
		{"StatusUnsupportedType", "PUT", "policy/" + pid + "/privacy/" + rid + "/status", `{"status":1}`, 400, "WAF.00013002"},
		{"StatusWrongType", "PUT", "policy/" + pid + "/whiteblackip/" + rid + "/status", `{"status":0}`, 404, "WAF.00022001"},
		{"BatchCreateNoPolicies", "POST", "rule/geoip", `{"white":0,"geoip":"SH"}`, 400, "WAF.00021003"},
		{"BatchCreateOneUnknown", "POST", "rule/geoip", `{"white":0,"geoip":"SH","policy_ids":["` + pid + `","` + unknown + `"]}`, 404, "WAF.00022001"},
		{"BatchUpdateUnknownRule", "POST", "rule/geoip/batch-update", `{"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `","` + unknown + `"]}],"white":1}`, 404, "WAF.00022001"},
		{"BatchDeleteNone", "POST", "rule/geoip/batch-delete", `{"policy_rule_ids":[]}`, 400, "WAF.00021003"},
		{"BatchDeleteUnknown", "POST", "rule/geoip/batch-delete", `{"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + rid + `","` + unknown + `"]}]}`, 404, "WAF.00022001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.revision(t)
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
			if e.revision(t) != rev {
				t.Fatal("a refused request changed the revision")
			}
		})
	}
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/geoip", ""))
	if num(list["total"]) != 1 {
		t.Fatalf("refused requests stored rules: %v", list)
	}
	r := items(t, list)[0].(map[string]any)
	if r["geoip"] != "CN" || num(r["white"]) != 0 || num(r["status"]) != 1 {
		t.Fatalf("refused requests changed the rule: %v", r)
	}
}

func TestWAFGeoIPBatch(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	p1, p2 := e.mustPolicy(t, "a"), e.mustPolicy(t, "b")
	created := ok(t, e.call(t, "POST", "rule/geoip", `{"name":"bulk","geoip":"BJ|US","white":1,"ip_type":"ipv4","policy_ids":["`+p1+`","`+p2+`"]}`))
	if created["policyid"] != p1 || created["ip_type"] != "ipv4" {
		t.Fatalf("batch create: %v", created)
	}
	all := items(t, ok(t, e.call(t, "GET", "rule/geoip?policyids="+p1+","+p2, "")))
	if len(all) != 2 {
		t.Fatalf("batch created %d rules", len(all))
	}
	r1, r2 := str(all[0].(map[string]any)["id"]), str(all[1].(map[string]any)["id"])
	ids := `[{"policy_id":"` + p1 + `","rule_ids":["` + r1 + `"]},{"policy_id":"` + p2 + `","rule_ids":["` + r2 + `"]}]`
	res := ok(t, e.call(t, "POST", "rule/geoip/batch-update", `{"policy_rule_ids":`+ids+`,"geoip":"SH","white":2,"status":0}`))
	if len(res["policy_rule_ids"].([]any)) != 2 {
		t.Fatalf("batch update: %v", res)
	}
	g := ok(t, e.call(t, "GET", "policy/"+p2+"/geoip/"+r2, ""))
	if g["geoip"] != "SH" || num(g["white"]) != 2 || num(g["status"]) != 0 {
		t.Fatalf("after batch update: %v", g)
	}
	ok(t, e.call(t, "POST", "rule/geoip/batch-delete", `{"policy_rule_ids":`+ids+`}`))
	if n := num(ok(t, e.call(t, "GET", "rule/geoip", ""))["total"]); n != 0 {
		t.Fatalf("%d rules left after batch delete", n)
	}
	m := ok(t, e.call(t, "GET", "tag/geoip/map?lang=en", ""))
	if _, ok := m["geomap"].(map[string]any)["CN"]; !ok {
		t.Fatalf("geoip map: %v", m)
	}
}

func TestWAFReputationReferenceExample(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "policy_name")
	c := ok(t, e.call(t, "POST", "policy/"+pid+"/ip-reputation", `{"name":"name","type":"idc","tags":["HW","Tencent"],"action":{"category":"log"}}`))
	id := str(c["id"])
	if c["type"] != "idc" || num(c["status"]) != 1 || c["policyname"] != "policy_name" || c["action"].(map[string]any)["category"] != "log" {
		t.Fatalf("create: %v", c)
	}
	rev := e.revision(t)
	// The reference page's example request.
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/ip-reputation/"+id+"?enterprise_project_id=0",
		`{ "name" : "name", "policyname" : "policy_name", "description" : "description", "action" : { "category" : "block" }, "type" : "idc", "tags" : [ "AliCloud" ] }`))
	if up["id"] != id || up["policyid"] != pid || up["name"] != "name" || up["description"] != "description" ||
		num(up["status"]) != 1 || up["type"] != "idc" || fmt.Sprint(up["tags"]) != "[AliCloud]" ||
		up["action"].(map[string]any)["category"] != "block" || num(up["timestamp"]) == 0 {
		t.Fatalf("update: %v", up)
	}
	if e.revision(t) != rev+1 {
		t.Fatal("update did not bump the revision")
	}
	// Terraform's update body: action null keeps the action; description "" clears it.
	tf := ok(t, e.call(t, "PUT", "policy/"+pid+"/ip-reputation/"+id, `{"name":"name","type":"idc","tags":["HW","Tencent"],"description":"","action":null}`))
	if tf["action"].(map[string]any)["category"] != "block" || tf["description"] != "" || fmt.Sprint(tf["tags"]) != "[HW Tencent]" {
		t.Fatalf("terraform update: %v", tf)
	}
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/ip-reputation/"+id, ""))
	if show["action"].(map[string]any)["category"] != "block" || fmt.Sprint(show["tags"]) != "[HW Tencent]" {
		t.Fatalf("show: %v", show)
	}
	// The freed tag AliCloud can go to another rule; HW cannot.
	ok(t, e.call(t, "POST", "policy/"+pid+"/ip-reputation", `{"name":"second","type":"idc","tags":["AliCloud"],"action":{"category":"pass"}}`))
	wantError(t, e.call(t, "POST", "policy/"+pid+"/ip-reputation", `{"name":"third","type":"idc","tags":["Amazon","HW"],"action":{"category":"pass"}}`), 400, "WAF.00022004")
	// Terraform's limit/offset pager.
	page1 := ok(t, e.call(t, "GET", "policy/"+pid+"/ip-reputation?limit=1&offset=0", ""))
	page3 := ok(t, e.call(t, "GET", "policy/"+pid+"/ip-reputation?limit=1&offset=2", ""))
	if num(page1["total"]) != 2 || len(items(t, page1)) != 1 || len(items(t, page3)) != 0 {
		t.Fatalf("pager: %v %v", page1, page3)
	}
	m := ok(t, e.call(t, "GET", "tag/ip-reputation/map?type=idc&lang=en", ""))
	if len(m["ip_reputation_map"].(map[string]any)["idc"].([]any)) != 9 || m["locale"].(map[string]any)["VNET"] == "" {
		t.Fatalf("map: %v", m)
	}
	ok(t, e.call(t, "PUT", "policy/"+pid+"/ip-reputation/"+id+"/status", `{"status":0}`))
	del := ok(t, e.call(t, "DELETE", "policy/"+pid+"/ip-reputation/"+id, ""))
	if num(del["status"]) != 0 {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "policy/"+pid+"/ip-reputation/"+id, ""), 404, "WAF.00022001")
}

func TestWAFReputationValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "rep")
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/ip-reputation", `{"name":"r","type":"idc","tags":["HW"],"action":{"category":"block"}}`))["id"])
	base := "policy/" + pid + "/ip-reputation"
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoName", "POST", base, `{"type":"idc","tags":["VNET"],"action":{"category":"block"}}`, 400, "WAF.00021005"},
		{"NoType", "POST", base, `{"name":"x","tags":["VNET"],"action":{"category":"block"}}`, 400, "WAF.00021003"},
		{"BadType", "POST", base, `{"name":"x","type":"isp","tags":["VNET"],"action":{"category":"block"}}`, 400, "WAF.00021003"},
		{"NoTags", "POST", base, `{"name":"x","type":"idc","action":{"category":"block"}}`, 400, "WAF.00021003"},
		{"EmptyTags", "POST", base, `{"name":"x","type":"idc","tags":[],"action":{"category":"block"}}`, 400, "WAF.00021003"},
		{"UnknownTag", "POST", base, `{"name":"x","type":"idc","tags":["Dr. Peng"],"action":{"category":"block"}}`, 400, "WAF.00021003"},
		{"RepeatedTag", "POST", base, `{"name":"x","type":"idc","tags":["VNET","VNET"],"action":{"category":"block"}}`, 400, "WAF.00021003"},
		{"NoActionCategory", "POST", base, `{"name":"x","type":"idc","tags":["VNET"],"action":{}}`, 400, "WAF.00021014"},
		{"BadAction", "POST", base, `{"name":"x","type":"idc","tags":["VNET"],"action":{"category":"allow"}}`, 400, "WAF.00021014"},
		{"TagInUse", "POST", base, `{"name":"x","type":"idc","tags":["HW"],"action":{"category":"block"}}`, 400, "WAF.00022004"},
		{"UpdateBadAction", "PUT", base + "/" + rid, `{"name":"r","type":"idc","tags":["HW"],"action":{"category":"deny"}}`, 400, "WAF.00021014"},
		{"UpdateEmptyTags", "PUT", base + "/" + rid, `{"name":"r","type":"idc","tags":[]}`, 400, "WAF.00021003"},
		{"UpdateUnknown", "PUT", base + "/0123456789abcdef0123456789abcdef", `{"name":"r","type":"idc","tags":["HW"]}`, 404, "WAF.00022001"},
		{"LimitZero", "GET", base + "?limit=0", ``, 400, "WAF.00021020"},
		{"OffsetBig", "GET", base + "?offset=65536", ``, 400, "WAF.00021020"},
		{"MapType", "GET", "tag/ip-reputation/map?type=isp", ``, 400, "WAF.00021002"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.revision(t)
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
			if e.revision(t) != rev {
				t.Fatal("a refused request changed the revision")
			}
		})
	}
	list := ok(t, e.call(t, "GET", base, ""))
	if num(list["total"]) != 1 || items(t, list)[0].(map[string]any)["action"].(map[string]any)["category"] != "block" {
		t.Fatalf("refused requests changed state: %v", list)
	}
}

func TestWAFReputationBatch(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	p1, p2 := e.mustPolicy(t, "a"), e.mustPolicy(t, "b")
	ok(t, e.call(t, "POST", "rule/ip-reputation?policyids="+p1+","+p2, `{"name":"bulk","type":"idc","tags":["Google"],"action":{"category":"log"},"policy_ids":["`+p1+`","`+p2+`"]}`))
	all := items(t, ok(t, e.call(t, "GET", "rule/ip-reputation?policyids="+p1+","+p2+"&page=1&pagesize=1000", "")))
	if len(all) != 2 {
		t.Fatalf("batch created %d", len(all))
	}
	r1, r2 := str(all[0].(map[string]any)["id"]), str(all[1].(map[string]any)["id"])
	ids := `[{"policy_id":"` + p1 + `","rule_ids":["` + r1 + `"]},{"policy_id":"` + p2 + `","rule_ids":["` + r2 + `"]}]`
	ok(t, e.call(t, "POST", "rule/ip-reputation/batch-update", `{"name":"bulk2","type":"idc","tags":["Amazon"],"action":{"category":"block"},"policy_rule_ids":`+ids+`}`))
	g := ok(t, e.call(t, "GET", "policy/"+p2+"/ip-reputation/"+r2, ""))
	if g["name"] != "bulk2" || fmt.Sprint(g["tags"]) != "[Amazon]" {
		t.Fatalf("after batch update: %v", g)
	}
	ok(t, e.call(t, "POST", "rule/ip-reputation/batch-delete", `{"policy_rule_ids":`+ids+`}`))
	if n := num(ok(t, e.call(t, "GET", "rule/ip-reputation", ""))["total"]); n != 0 {
		t.Fatalf("%d left", n)
	}
}

// Terraform's huaweicloud_waf_ip_intelligence_rule leaves action out of the
// create body when it is not configured (its documented example has none):
// the rule is created logging only. An action object without a category is
// still refused.
func TestWAFReputationCreateWithoutAction(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "rep")
	c := ok(t, e.call(t, "POST", "policy/"+pid+"/ip-reputation", `{"type":"idc","tags":["HW"],"name":"tf"}`))
	if c["action"].(map[string]any)["category"] != "log" {
		t.Fatalf("create: %v", c)
	}
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/ip-reputation/"+str(c["id"]), ""))
	if show["action"].(map[string]any)["category"] != "log" {
		t.Fatalf("show: %v", show)
	}
	// The SDK sends "action": null when none is set.
	b := ok(t, e.call(t, "POST", "rule/ip-reputation", `{"name":"bulk","type":"idc","tags":["VNET"],"action":null,"policy_ids":["`+pid+`"]}`))
	if b["action"].(map[string]any)["category"] != "log" {
		t.Fatalf("batch create: %v", b)
	}
	wantError(t, e.call(t, "POST", "policy/"+pid+"/ip-reputation", `{"type":"idc","tags":["Google"],"name":"x","action":{}}`), 400, "WAF.00021014")
	wantError(t, e.call(t, "POST", "rule/ip-reputation", `{"type":"idc","tags":["Google"],"name":"x","action":{},"policy_ids":["`+pid+`"]}`), 400, "WAF.00021014")
}
