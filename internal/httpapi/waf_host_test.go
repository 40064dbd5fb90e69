package httpapi_test

import (
	"strings"
	"testing"
)

const wafHostBody = `{"hostname":"www.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":8080,"type":"ipv4","weight":3},{"front_protocol":"HTTP","back_protocol":"HTTPS","address":"2001:db8::10","port":443,"type":"ipv6"}],"proxy":false,"lb_algorithm":"ip_hash","description":"shop"}`

func TestWAFHostLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	// Without a policy a new one is created.
	h := ok(t, e.call(t, "POST", "instance", wafHostBody))
	id, policy := str(h["id"]), str(h["policyid"])
	if h["hostname"] != "www.example.com" || policy == "" || num(h["protect_status"]) != 1 || h["lb_algorithm"] != "ip_hash" ||
		h["protocol"] != "HTTP" || str(h["access_code"]) == "" {
		t.Fatalf("create: %v", h)
	}
	srv := h["server"].([]any)
	if len(srv) != 2 || num(srv[0].(map[string]any)["weight"]) != 3 || num(srv[1].(map[string]any)["weight"]) != 1 ||
		srv[1].(map[string]any)["address"] != "2001:db8::10" {
		t.Fatalf("servers: %v", srv)
	}
	p := ok(t, e.call(t, "GET", "policy/"+policy, ""))
	if hosts := p["hosts"].([]any); len(hosts) != 1 || hosts[0] != id {
		t.Fatalf("auto policy hosts: %v", p)
	}
	if bh := p["bind_host"].([]any); bh[0].(map[string]any)["hostname"] != "www.example.com" {
		t.Fatalf("bind_host: %v", p)
	}
	// The policy in use cannot be deleted.
	wantError(t, e.call(t, "DELETE", "policy/"+policy, ""), 400, "WAF.00022003")
	wantError(t, e.call(t, "POST", "policies/batch-delete", `{"policy_ids":["`+policy+`"]}`), 400, "WAF.00022003")
	// Same hostname again: conflict.
	wantError(t, e.call(t, "POST", "instance", wafHostBody), 400, "WAF.00014007")

	// Bind to another policy through UpdatePolicyProtectHost.
	other := e.mustPolicy(t, "other")
	bound := ok(t, e.call(t, "PUT", "policy/"+other+"?hosts="+id, ""))
	if hosts := bound["hosts"].([]any); len(hosts) != 1 || hosts[0] != id {
		t.Fatalf("bind: %v", bound)
	}
	ok(t, e.call(t, "DELETE", "policy/"+policy, "")) // no longer used

	// PATCH, to HTTPS with a certificate of the project.
	cert := e.mustCertificate(t, "c")
	up := ok(t, e.call(t, "PATCH", "instance/"+id, `{"proxy":true,"server":[{"front_protocol":"HTTPS","back_protocol":"HTTP","address":"192.0.2.11","port":80,"type":"ipv4","weight":1}],"certificateid":"`+cert+`","certificatename":"c","tls":"TLS v1.2","cipher":"cipher_1","block_page":{"template":"custom"},"extend":{"k":"v"}}`))
	if up["proxy"] != true || up["protocol"] != "HTTPS" || up["tls"] != "TLS v1.2" || up["block_page"].(map[string]any)["template"] != "custom" ||
		up["policyid"] != other || up["description"] != "shop" {
		t.Fatalf("patch: %v", up)
	}
	ps := ok(t, e.call(t, "PUT", "instance/"+id+"/protect-status", `{"protect_status":-1}`))
	if num(ps["protect_status"]) != -1 {
		t.Fatalf("protect-status: %v", ps)
	}
	show := ok(t, e.call(t, "GET", "instance/"+id, ""))
	if num(show["protect_status"]) != -1 || show["certificateid"] != cert || show["extend"].(map[string]any)["k"] != "v" {
		t.Fatalf("show: %v", show)
	}
	// List filters and paging, including pagesize -1.
	ok(t, e.call(t, "POST", "instance", `{"hostname":"api.example.org","policyid":"`+other+`","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.12","port":80,"type":"ipv4"}],"proxy":true}`))
	l := ok(t, e.call(t, "GET", "instance?hostname=example.com", ""))
	if num(l["total"]) != 1 || items(t, l)[0].(map[string]any)["hostid"] != id {
		t.Fatalf("hostname filter: %v", l)
	}
	if n := len(items(t, ok(t, e.call(t, "GET", "instance?pagesize=-1", "")))); n != 2 {
		t.Fatalf("pagesize -1: %d", n)
	}
	if n := num(ok(t, e.call(t, "GET", "instance?policyname=oth", ""))["total"]); n != 2 {
		t.Fatalf("policyname filter: %d", n)
	}
	if n := len(items(t, ok(t, e.call(t, "GET", "instance?page=2&pagesize=2", "")))); n != 0 {
		t.Fatalf("past the end: %d", n)
	}
	del := ok(t, e.call(t, "DELETE", "instance/"+id, ""))
	if del["id"] != id {
		t.Fatalf("delete: %v", del)
	}
	wantError(t, e.call(t, "GET", "instance/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.callIn(t, e.Other, "GET", "instance/"+id, ""), 404, "WAF.00022001")
}

func TestWAFHostValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	id := str(ok(t, e.call(t, "POST", "instance", wafHostBody))["id"])
	srv := `"server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}]`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoHostname", "POST", "instance", `{` + srv + `,"proxy":false}`, 400, "WAF.00011006"},
		{"BadHostname", "POST", "instance", `{"hostname":"a b.com",` + srv + `,"proxy":false}`, 400, "WAF.00011006"},
		{"NoServer", "POST", "instance", `{"hostname":"a.com","proxy":false}`, 400, "WAF.00021003"},
		{"EmptyServer", "POST", "instance", `{"hostname":"a.com","server":[],"proxy":false}`, 400, "WAF.00021003"},
		{"NoProxy", "POST", "instance", `{"hostname":"a.com",` + srv + `}`, 400, "WAF.00021003"},
		{"Port0", "POST", "instance", `{"hostname":"a.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":0,"type":"ipv4"}],"proxy":false}`, 400, "WAF.00011007"},
		{"BadAddress", "POST", "instance", `{"hostname":"a.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"origin.local","port":80,"type":"ipv4"}],"proxy":false}`, 400, "WAF.00011007"},
		{"TypeMismatch", "POST", "instance", `{"hostname":"a.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"2001:db8::1","port":80,"type":"ipv4"}],"proxy":false}`, 400, "WAF.00011007"},
		{"Protocol", "POST", "instance", `{"hostname":"a.com","server":[{"front_protocol":"FTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}],"proxy":false}`, 400, "WAF.00021003"},
		{"HTTPSNoCert", "POST", "instance", `{"hostname":"a.com","server":[{"front_protocol":"HTTPS","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}],"proxy":false}`, 400, "WAF.00021003"},
		{"LB", "POST", "instance", `{"hostname":"a.com",` + srv + `,"proxy":false,"lb_algorithm":"random"}`, 400, "WAF.00021003"},
		{"UnknownPolicy", "POST", "instance", `{"hostname":"a.com",` + srv + `,"proxy":false,"policyid":"0123456789abcdef0123456789abcdef"}`, 404, "WAF.00022001"},
		{"PatchWeight", "PATCH", "instance/" + id, `{"server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4","weight":101}]}`, 400, "WAF.00021003"},
		{"PatchUnknown", "PATCH", "instance/0123456789abcdef0123456789abcdef", `{"proxy":true}`, 404, "WAF.00022001"},
		{"ProtectStatus", "PUT", "instance/" + id + "/protect-status", `{"protect_status":2}`, 400, "WAF.00011008"},
		{"ProtectStatusMissing", "PUT", "instance/" + id + "/protect-status", `{}`, 400, "WAF.00011008"},
		{"PageSize", "GET", "instance?pagesize=101", ``, 400, "WAF.00011011"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.revision(t)
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
			if e.revision(t) != rev {
				t.Fatal("a refused request changed the revision")
			}
		})
	}
	if n := num(ok(t, e.call(t, "GET", "instance", ""))["total"]); n != 1 {
		t.Fatalf("refused requests stored hosts: %d", n)
	}
	if n := num(ok(t, e.call(t, "GET", "policy", ""))["total"]); n != 1 {
		t.Fatalf("refused requests stored policies: %d", n)
	}
}

// Host names are case-insensitive (the data plane matches them lower-case),
// so a name differing only in case is the same host.
func TestWAFHostNameConflictIgnoresCase(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	ok(t, e.call(t, "POST", "instance", wafHostBody))
	upper := strings.Replace(wafHostBody, `"www.example.com"`, `"WWW.Example.com"`, 1)
	wantError(t, e.call(t, "POST", "instance", upper), 400, "WAF.00014007")
	wild := strings.Replace(wafHostBody, `"www.example.com"`, `"*.example.com"`, 1)
	ok(t, e.call(t, "POST", "instance", wild))
	wantError(t, e.call(t, "POST", "instance", strings.Replace(wild, `"*.example.com"`, `"*.EXAMPLE.com"`, 1)), 400, "WAF.00014007")
	if n := num(ok(t, e.call(t, "GET", "instance", ""))["total"]); n != 2 {
		t.Fatalf("%d hosts, want 2", n)
	}
}

// Terraform's huaweicloud_waf_domain updates a cloud host with PUT (its
// create calls it right after the POST), sending only what changed.
func TestWAFHostUpdateByPUT(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	h := ok(t, e.call(t, "POST", "instance", wafHostBody))
	id := str(h["id"])
	up := ok(t, e.call(t, "PUT", "instance/"+id, `{"server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.20","port":80,"type":"ipv4","weight":1}],"proxy":true,"ipv6_enable":false}`))
	if up["proxy"] != true || up["lb_algorithm"] != "ip_hash" || up["description"] != "shop" {
		t.Fatalf("PUT: %v", up)
	}
	srv := ok(t, e.call(t, "GET", "instance/"+id, ""))["server"].([]any)
	if len(srv) != 1 || srv[0].(map[string]any)["address"] != "192.0.2.20" {
		t.Fatalf("servers after PUT: %v", srv)
	}
	wantError(t, e.call(t, "PUT", "instance/"+id, `{"server":[]}`), 400, "WAF.00021003")
	wantError(t, e.call(t, "PUT", "instance/0123456789abcdef0123456789abcdef", `{"proxy":true}`), 404, "WAF.00022001")
}

// UpdateHostAccessStatus (PUT …/instance/{id}/access-status): Terraform's
// huaweicloud_waf_domain calls it when access_status is set and checks the
// answer.
func TestWAFHostAccessStatus(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	id := str(ok(t, e.call(t, "POST", "instance", wafHostBody))["id"])
	rev := e.revision(t)
	res := ok(t, e.call(t, "PUT", "instance/"+id+"/access-status", `{"access_status":1}`))
	if num(res["access_status"]) != 1 || len(res) != 1 {
		t.Fatalf("answer: %v", res)
	}
	if num(ok(t, e.call(t, "GET", "instance/"+id, ""))["access_status"]) != 1 {
		t.Fatal("access_status not stored")
	}
	if e.revision(t) == rev {
		t.Fatal("no revision bump")
	}
	for _, body := range []string{`{"access_status":2}`, `{"access_status":-1}`, `{}`} {
		wantError(t, e.call(t, "PUT", "instance/"+id+"/access-status", body), 400, "WAF.00011009")
	}
	wantError(t, e.call(t, "PUT", "instance/0123456789abcdef0123456789abcdef/access-status", `{"access_status":0}`), 404, "WAF.00022001")
}

// UpdatePolicyProtectHost with the hosts query repeated (how Terraform's
// client encodes a list) binds every host, not only the first.
func TestWAFPolicyProtectHostRepeatedQuery(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	a := str(ok(t, e.call(t, "POST", "instance", wafHostBody))["id"])
	b := str(ok(t, e.call(t, "POST", "instance", strings.Replace(wafHostBody, "www.example.com", "api.example.com", 1)))["id"])
	pid := e.mustPolicy(t, "target")
	bound := ok(t, e.call(t, "PUT", "policy/"+pid+"?hosts="+a+"&hosts="+b, ""))
	if hosts := bound["hosts"].([]any); len(hosts) != 2 {
		t.Fatalf("bound: %v", bound["hosts"])
	}
	for _, id := range []string{a, b} {
		if got := ok(t, e.call(t, "GET", "instance/"+id, ""))["policyid"]; got != pid {
			t.Fatalf("host %s on policy %v, want %s", id, got, pid)
		}
	}
	wantError(t, e.call(t, "PUT", "policy/"+pid+"?hosts="+a+"&hosts=0123456789abcdef0123456789abcdef", ""), 404, "WAF.00022001")
}

// DeleteHost with keepPolicy=false (Terraform's huaweicloud_waf_domain sends
// keepPolicy with its keep_policy setting) deletes the host's policy too,
// unless another host still uses it; keepPolicy=true or absent keeps it.
func TestWAFHostDeleteKeepPolicy(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	h := ok(t, e.call(t, "POST", "instance", wafHostBody))
	ok(t, e.call(t, "DELETE", "instance/"+str(h["id"])+"?keepPolicy=true", ""))
	ok(t, e.call(t, "GET", "policy/"+str(h["policyid"]), ""))

	h = ok(t, e.call(t, "POST", "instance", wafHostBody))
	ok(t, e.call(t, "DELETE", "instance/"+str(h["id"])+"?keepPolicy=false", ""))
	wantError(t, e.call(t, "GET", "policy/"+str(h["policyid"]), ""), 404, "WAF.00022001")

	// A policy that another host uses stays.
	shared := e.mustPolicy(t, "shared")
	a := ok(t, e.call(t, "POST", "instance", strings.Replace(wafHostBody, `"proxy"`, `"policyid":"`+shared+`","proxy"`, 1)))
	ok(t, e.call(t, "POST", "instance", strings.Replace(strings.Replace(wafHostBody, "www.example.com", "api.example.com", 1), `"proxy"`, `"policyid":"`+shared+`","proxy"`, 1)))
	ok(t, e.call(t, "DELETE", "instance/"+str(a["id"])+"?keepPolicy=false", ""))
	ok(t, e.call(t, "GET", "policy/"+shared, ""))
	wantError(t, e.call(t, "GET", "instance/"+str(a["id"]), ""), 404, "WAF.00022001")

	wantError(t, e.call(t, "DELETE", "instance/"+str(a["id"])+"?keepPolicy=no", ""), 400, "WAF.00021002")
}
