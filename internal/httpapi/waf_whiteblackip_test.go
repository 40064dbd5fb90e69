package httpapi_test

import (
	"fmt"
	"testing"
)

func TestWAFWhiteBlackIPLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "wb")
	c := ok(t, e.call(t, "POST", "policy/"+pid+"/whiteblackip", `{"name":"office","addr":"42.123.120.0/16","white":1,"description":"hq"}`))
	id := str(c["id"])
	if c["addr"] != "42.123.120.0/16" || num(c["white"]) != 1 || c["time_mode"] != "permanent" || num(c["status"]) != 1 || c["policyid"] != pid {
		t.Fatalf("create: %v", c)
	}
	if _, has := c["ip_group"]; has {
		t.Fatalf("ip_group without a group: %v", c)
	}
	// A rule on an IP group, with a time window.
	g := ok(t, e.call(t, "POST", "ip-groups", `{"name":"partners","ips":"10.0.0.0/8,2001:db8::/32,192.0.2.7","ip_remarks":{"192.0.2.7":"vpn"},"description":"d"}`))
	gid := str(g["id"])
	if num(g["size"]) != 3 || g["ips"] != "10.0.0.0/8,2001:db8::/32,192.0.2.7" || g["ip_remarks"].(map[string]any)["192.0.2.7"] != "vpn" {
		t.Fatalf("group: %v", g)
	}
	c2 := ok(t, e.call(t, "POST", "policy/"+pid+"/whiteblackip", `{"name":"partners","ip_group_id":"`+gid+`","white":0,"time_mode":"customize","start":1700000000,"terminal":1800000000}`))
	ig := c2["ip_group"].(map[string]any)
	if ig["id"] != gid || ig["name"] != "partners" || num(ig["size"]) != 3 || num(c2["start"]) != 1700000000 || c2["time_mode"] != "customize" {
		t.Fatalf("group rule: %v", c2)
	}
	// The group lists its rule and cannot be deleted.
	sg := ok(t, e.call(t, "GET", "ip-group/"+gid, ""))
	if rules := sg["rules"].([]any); len(rules) != 1 || rules[0].(map[string]any)["rule_id"] != c2["id"] || rules[0].(map[string]any)["policy_name"] != "wb" {
		t.Fatalf("group rules: %v", sg)
	}
	wantError(t, e.call(t, "DELETE", "ip-group/"+gid, ""), 400, "WAF.00022003")
	// ip filter of the group list.
	if n := num(ok(t, e.call(t, "GET", "ip-groups?ip=10.2.3.4", ""))["total"]); n != 1 {
		t.Fatalf("ip=10.2.3.4 finds %d groups", n)
	}
	if n := num(ok(t, e.call(t, "GET", "ip-groups?ip=2001:db8::1", ""))["total"]); n != 1 {
		t.Fatalf("ip=2001:db8::1 finds %d groups", n)
	}
	if n := num(ok(t, e.call(t, "GET", "ip-groups?ip=11.0.0.1", ""))["total"]); n != 0 {
		t.Fatalf("ip=11.0.0.1 finds %d groups", n)
	}
	// Update: full replacement; switching from addr to group.
	up := ok(t, e.call(t, "PUT", "policy/"+pid+"/whiteblackip/"+id, `{"name":"office2","ip_group_id":"`+gid+`","white":2}`))
	if up["addr"] != "" || up["ip_group"].(map[string]any)["id"] != gid || num(up["white"]) != 2 || up["name"] != "office2" {
		t.Fatalf("update: %v", up)
	}
	ok(t, e.call(t, "PUT", "policy/"+pid+"/whiteblackip/"+id+"/status", `{"status":0}`))
	show := ok(t, e.call(t, "GET", "policy/"+pid+"/whiteblackip/"+id, ""))
	if num(show["status"]) != 0 || show["description"] != "" {
		t.Fatalf("show: %v", show)
	}
	list := ok(t, e.call(t, "GET", "policy/"+pid+"/whiteblackip?name=office", ""))
	if num(list["total"]) != 1 || num(list["size"]) != 1 {
		t.Fatalf("name filter: %v", list)
	}
	// Group update with action add/delete.
	ga := ok(t, e.call(t, "PUT", "ip-group/"+gid+"?action=add", `{"ips":"203.0.113.0/24"}`))
	if num(ga["size"]) != 4 {
		t.Fatalf("add: %v", ga)
	}
	gd := ok(t, e.call(t, "PUT", "ip-group/"+gid+"?action=delete", `{"ips":"192.0.2.7"}`))
	if num(gd["size"]) != 3 || len(gd["ip_remarks"].(map[string]any)) != 0 {
		t.Fatalf("delete: %v", gd)
	}
	// Delete the rules, then the group.
	ok(t, e.call(t, "POST", "rule/whiteblackip/batch-delete", `{"policy_rule_ids":[{"policy_id":"`+pid+`","rule_ids":["`+id+`","`+str(c2["id"])+`"]}]}`))
	ok(t, e.call(t, "DELETE", "ip-group/"+gid, ""))
	wantError(t, e.call(t, "GET", "ip-group/"+gid, ""), 404, "WAF.00022001")
}

func TestWAFWhiteBlackIPValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "wb")
	rid := str(ok(t, e.call(t, "POST", "policy/"+pid+"/whiteblackip", `{"name":"one","addr":"192.0.2.1","white":0}`))["id"])
	base := "policy/" + pid + "/whiteblackip"
	unknown := "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoName", "POST", base, `{"addr":"192.0.2.2","white":0}`, 400, "WAF.00021005"},
		{"BadName", "POST", base, `{"name":"a/b","addr":"192.0.2.2","white":0}`, 400, "WAF.00021005"},
		{"NoAddr", "POST", base, `{"name":"x","white":0}`, 400, "WAF.00021003"},
		{"Both", "POST", base, `{"name":"x","addr":"192.0.2.2","ip_group_id":"` + unknown + `","white":0}`, 400, "WAF.00021003"},
		{"BadAddr", "POST", base, `{"name":"x","addr":"192.0.2.300","white":0}`, 400, "WAF.00021009"},
		{"BadCIDR", "POST", base, `{"name":"x","addr":"192.0.2.0/33","white":0}`, 400, "WAF.00021009"},
		{"AllV4", "POST", base, `{"name":"x","addr":"0.0.0.0/0","white":0}`, 400, "WAF.00021009"},
		{"AllV6", "POST", base, `{"name":"x","addr":"::/0","white":0}`, 400, "WAF.00021009"},
		{"ZeroPrefix", "POST", base, `{"name":"x","addr":"10.0.0.0/0","white":0}`, 400, "WAF.00021009"},
		{"Hostname", "POST", base, `{"name":"x","addr":"example.com","white":0}`, 400, "WAF.00021009"},
		{"NoWhite", "POST", base, `{"name":"x","addr":"192.0.2.2"}`, 400, "WAF.00021014"},
		{"White3", "POST", base, `{"name":"x","addr":"192.0.2.2","white":3}`, 400, "WAF.00021014"},
		{"TimeMode", "POST", base, `{"name":"x","addr":"192.0.2.2","white":0,"time_mode":"sometimes"}`, 400, "WAF.00021003"},
		{"CustomizeNoStart", "POST", base, `{"name":"x","addr":"192.0.2.2","white":0,"time_mode":"customize","terminal":1800000000}`, 400, "WAF.00021003"},
		{"CustomizeBackwards", "POST", base, `{"name":"x","addr":"192.0.2.2","white":0,"time_mode":"customize","start":1800000000,"terminal":1700000000}`, 400, "WAF.00021003"},
		{"UnknownGroup", "POST", base, `{"name":"x","ip_group_id":"` + unknown + `","white":0}`, 404, "WAF.00022001"},
		{"UnknownPolicy", "POST", "policy/" + unknown + "/whiteblackip", `{"name":"x","addr":"192.0.2.2","white":0}`, 404, "WAF.00022001"},
		{"UpdateBadAddr", "PUT", base + "/" + rid, `{"name":"one","addr":"::/0","white":0}`, 400, "WAF.00021009"},
		{"UpdateUnknown", "PUT", base + "/" + unknown, `{"name":"one","addr":"192.0.2.9","white":0}`, 404, "WAF.00022001"},
		{"DeleteUnknown", "DELETE", base + "/" + unknown, ``, 404, "WAF.00022001"},
		{"PageSize", "GET", base + "?pagesize=1001", ``, 400, "WAF.00021020"},
		{"GroupNoName", "POST", "ip-groups", `{"ips":"192.0.2.1"}`, 400, "WAF.00021005"},
		{"GroupNoIPs", "POST", "ip-groups", `{"name":"g"}`, 400, "WAF.00021009"},
		{"GroupBadIP", "POST", "ip-groups", `{"name":"g","ips":"192.0.2.1,nope"}`, 400, "WAF.00021009"},
		{"GroupAll", "POST", "ip-groups", `{"name":"g","ips":"0.0.0.0/0"}`, 400, "WAF.00021009"},
		{"GroupRemark", "POST", "ip-groups", `{"name":"g","ips":"192.0.2.1","ip_remarks":{"192.0.2.2":"x"}}`, 400, "WAF.00021003"},
		{"GroupUnknown", "PUT", "ip-group/" + unknown, `{"ips":"192.0.2.1"}`, 404, "WAF.00022001"},
		{"GroupAction", "PUT", "ip-group/" + unknown + "?action=merge", `{"ips":"192.0.2.1"}`, 400, "WAF.00021002"},
		{"GroupListIP", "GET", "ip-groups?ip=nope", ``, 400, "WAF.00021009"},
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
	if num(list["total"]) != 1 || items(t, list)[0].(map[string]any)["addr"] != "192.0.2.1" {
		t.Fatalf("refused requests changed state: %v", list)
	}
	if n := num(ok(t, e.call(t, "GET", "ip-groups", ""))["total"]); n != 0 {
		t.Fatalf("refused requests stored %d groups", n)
	}
}

func TestWAFWhiteBlackIPBatchAndPaging(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	p1, p2 := e.mustPolicy(t, "a"), e.mustPolicy(t, "b")
	for i := range 25 {
		ok(t, e.call(t, "POST", "policy/"+p1+"/whiteblackip", fmt.Sprintf(`{"name":"r%d","addr":"198.51.100.%d","white":0}`, i, i)))
	}
	// Terraform's page/pagesize pager: pages until items is empty.
	seen := 0
	for page := 1; ; page++ {
		body := ok(t, e.call(t, "GET", fmt.Sprintf("policy/%s/whiteblackip?page=%d&pagesize=10", p1, page), ""))
		if num(body["total"]) != 25 {
			t.Fatalf("total = %v", body["total"])
		}
		n := len(items(t, body))
		if n == 0 {
			break
		}
		seen += n
		if page > 5 {
			t.Fatal("pager does not end")
		}
	}
	if seen != 25 {
		t.Fatalf("paged through %d rules, want 25", seen)
	}
	bc := ok(t, e.call(t, "POST", "rule/whiteblackip?policyids="+p1+","+p2, `{"name":"both","addr":"203.0.113.1","white":1,"policy_ids":["`+p1+`","`+p2+`"]}`))
	if bc["addr"] != "203.0.113.1" {
		t.Fatalf("batch create: %v", bc)
	}
	all := ok(t, e.call(t, "GET", "rule/whiteblackip?policyids="+p2, ""))
	if num(all["total"]) != 1 {
		t.Fatalf("p2 rules: %v", all)
	}
	r2 := str(items(t, all)[0].(map[string]any)["id"])
	ok(t, e.call(t, "POST", "rule/whiteblackip/batch-update", `{"name":"both2","addr":"203.0.113.2","white":2,"policy_rule_ids":[{"policy_id":"`+p2+`","rule_ids":["`+r2+`"]}]}`))
	g := ok(t, e.call(t, "GET", "policy/"+p2+"/whiteblackip/"+r2, ""))
	if g["addr"] != "203.0.113.2" || num(g["white"]) != 2 {
		t.Fatalf("after batch update: %v", g)
	}
	if n := num(ok(t, e.call(t, "GET", "rule/whiteblackip?policyids="+p1+","+p2, ""))["total"]); n != 27 {
		t.Fatalf("across policies: %d", n)
	}
	// Deleting a policy removes its rules.
	ok(t, e.call(t, "DELETE", "policy/"+p1, ""))
	if n := num(ok(t, e.call(t, "GET", "rule/whiteblackip", ""))["total"]); n != 1 {
		t.Fatalf("after policy delete: %d rules", n)
	}
}

// A rule named twice in a batch delete exists: it is deleted once, not
// reported missing (which would also roll back the rest of the batch).
func TestWAFRuleBatchDeleteRepeatedID(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pid := e.mustPolicy(t, "wb")
	a := str(ok(t, e.call(t, "POST", "policy/"+pid+"/whiteblackip", `{"name":"a","addr":"192.0.2.1","white":0}`))["id"])
	b := str(ok(t, e.call(t, "POST", "policy/"+pid+"/whiteblackip", `{"name":"b","addr":"192.0.2.2","white":0}`))["id"])
	body := `{"policy_rule_ids":[{"policy_id":"` + pid + `","rule_ids":["` + a + `","` + b + `","` + a + `"]}]}`
	res := ok(t, e.call(t, "POST", "rule/whiteblackip/batch-delete", body))
	if ids := res["policy_rule_ids"].([]any); len(ids) != 1 {
		t.Fatalf("answer: %v", res)
	}
	if n := num(ok(t, e.call(t, "GET", "policy/"+pid+"/whiteblackip", ""))["total"]); n != 0 {
		t.Fatalf("%d rules left, want 0", n)
	}
	// The same with the policy named twice.
	g := str(ok(t, e.call(t, "POST", "policy/"+pid+"/geoip", `{"geoip":"CN","white":0}`))["id"])
	ok(t, e.call(t, "POST", "rule/geoip/batch-delete", `{"policy_rule_ids":[{"policy_id":"`+pid+`","rule_ids":["`+g+`"]},{"policy_id":"`+pid+`","rule_ids":["`+g+`"]}]}`))
	wantError(t, e.call(t, "GET", "policy/"+pid+"/geoip/"+g, ""), 404, "WAF.00022001")
}
