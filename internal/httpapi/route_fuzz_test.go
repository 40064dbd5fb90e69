package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
)

// fuzzRoute is one route of routes.go.
type fuzzRoute struct{ method, pattern string }

// routesOf reads the routes from routes.go itself, so that a new route is
// fuzzed without being listed here.
func routesOf(tb testing.TB) []fuzzRoute {
	tb.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		tb.Fatal(err)
	}
	var out []fuzzRoute
	for _, m := range regexp.MustCompile(`mux\.Handle\("(?:([A-Z]+) )?(/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		method := m[1]
		if method == "" {
			method = "GET"
		}
		out = append(out, fuzzRoute{method, m[2]})
	}
	if len(out) < 80 {
		tb.Fatalf("read %d routes from routes.go", len(out))
	}
	return out
}

// fuzzEnv is a server with one of each resource to aim requests at.
type fuzzEnv struct {
	*wafEnv
	tb    testing.TB
	token string
	ids   map[string]string // path parameter → ID of a live resource
	made  int
}

func newFuzzEnv(tb testing.TB) *fuzzEnv {
	e := &fuzzEnv{wafEnv: mustServeWAF(tb, withDecisionAPI()), tb: tb, ids: map[string]string{}}
	e.token = e.token_(tb)
	e.ids["project_id"] = e.Creds.ProjectID
	e.fixtures()
	return e
}

func (e *fuzzEnv) token_(tb testing.TB) string {
	return e.testEnv.token(tb, `{"project":{"id":"`+e.Creds.ProjectID+`"}}`)
}

// fixtures creates (again) one resource of each kind and records their IDs.
func (e *fuzzEnv) fixtures() {
	e.made++
	n := strconv.Itoa(e.made)
	pid := e.Creds.ProjectID
	id := func(method, path, body, key string) string {
		st, b, raw := e.send(method, path, body)
		if st != 200 && st != 201 {
			e.tb.Fatalf("fixture %s %s: %d %s", method, path, st, raw)
		}
		for _, k := range strings.Split(key, ".") {
			switch v := b[k].(type) {
			case map[string]any:
				b = v
			case string:
				return v
			}
		}
		e.tb.Fatalf("fixture %s %s: no %s in %s", method, path, key, raw)
		return ""
	}
	w := "/v1/" + pid + "/waf/"
	e.ids["policy_id"] = id("POST", w+"policy", `{"name":"fz`+n+`"}`, "id")
	e.ids["src_policy_id"] = e.ids["policy_id"]
	p := w + "policy/" + e.ids["policy_id"]
	e.ids["instance_id"] = id("POST", w+"instance", `{"hostname":"fz`+n+`.example.com","policyid":"`+e.ids["policy_id"]+
		`","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}],"proxy":false}`, "id")
	e.ids["geoip"] = id("POST", p+"/geoip", `{"white":0,"geoip":"CN"}`, "id")
	e.ids["ip-reputation"] = id("POST", p+"/ip-reputation", `{"name":"r`+n+`","type":"idc","tags":["HW"],"action":{"category":"block"}}`, "id")
	e.ids["whiteblackip"] = id("POST", p+"/whiteblackip", `{"name":"w`+n+`","addr":"192.0.2.9","white":0}`, "id")
	e.ids["custom"] = id("POST", p+"/custom", `{"name":"c`+n+`","time":false,"priority":5,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/a"]}],"action":{"category":"block"}}`, "id")
	e.ids["cc"] = id("POST", p+"/cc", `{"name":"cc`+n+`","mode":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/a"]}],"action":{"category":"block"},"tag_type":"ip","limit_num":10,"limit_period":60}`, "id")
	e.ids["punishment"] = id("POST", p+"/punishment", `{"category":"long_ip_block","block_time":10,"time_unit":"MINUTE"}`, "id")
	e.ids["id"] = id("POST", w+"ip-groups", `{"name":"g`+n+`","ips":"192.0.2.1"}`, "id")
	e.ids["valuelistid"] = id("POST", w+"valuelist", `{"name":"v`+n+`","type":"url","values":["/a"]}`, "id")
	e.ids["certificate_id"] = e.mustCertificate(e.tb, "c"+n)
	e.ids["eventid"] = strings.Repeat("0", 32)
	e.ids["workspace_id"] = id("POST", "/v1/"+pid+"/workspaces", `{"region_id":"local","name":"soc`+n+`","project_name":"local"}`, "id")
	e.ids["policy_id_sm"] = id("POST", "/v1/"+pid+"/workspaces/"+e.ids["workspace_id"]+"/soc/policys?action_type=create",
		`{"data_object":{"region_id":"local","block_target":"192.0.2.`+strconv.Itoa(e.made%250+1)+`","policy_category":"BLOCK","block_age":{"is_block_ageing":false,"block_ageing":null},"policy_type":{"policy_type":"Source Ip"},`+
			`"defense_policy_list":[{"defense_connection_id":"c-waf","defense_connection_name":"WAF","defense_type":"WAF","target_enterprise_id":"0",`+
			`"target_enterprise_name":"default","target_project_id":"`+pid+`","target_project_name":"local","defense_connection_region_id":"local",`+
			`"defense_connection_region_name":"local"}]}}`, "data.id")
	// CreateAccessPolicy answers an empty body; a second one may conflict.
	e.send("POST", "/v2/"+pid+"/access-policy", `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"}}`)
	if st, b, raw := e.send("GET", "/v2/"+pid+"/access-policy", ""); st == 200 {
		if ps, _ := b["policies"].([]any); len(ps) > 0 {
			e.ids["access_policy_id"], _ = ps[0].(map[string]any)["policy_id"].(string)
		}
	} else {
		e.tb.Fatalf("list access policies: %d %s", st, raw)
	}
}

// send sends an authenticated request and returns the status, the body
// when it is a JSON object, and the raw body.
func (e *fuzzEnv) send(method, path, body string) (int, map[string]any, string) {
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err.Error()
	}
	return e.sendRequest(req, body != "")
}

func (e *fuzzEnv) sendRequest(req *http.Request, hasBody bool) (int, map[string]any, string) {
	req.Header.Set("X-Auth-Token", e.token)
	if hasBody {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var b map[string]any
	_ = json.Unmarshal(raw, &b)
	return res.StatusCode, b, string(raw)
}

// envelopeOK reports whether an error answer is in the envelope of the
// route's family (errors_*.go): SecMaster {code, message}; IAM, WAF,
// Workspace and the gateway {error_code, error_msg}, each with its own code
// prefix or the gateway's (authentication, body limits, unknown routes);
// CrowdSec's bouncer API (/v1/decisions…) {message}.
func envelopeOK(path string, b map[string]any) bool {
	if b == nil {
		return false
	}
	if path == "/v1/decisions" || path == "/v1/decisions/stream" {
		if msg, ok := b["message"].(string); ok && msg != "" && len(b) == 1 {
			return true
		}
	}
	if code, ok := b["error_code"].(string); ok {
		if _, ok := b["error_msg"].(string); !ok {
			return false
		}
		prefix := map[string]string{"/v3/": "IAM.", "/console/api/": "IAM.", "/waf/": "WAF.", "/access-policy": "WKS.", "/rampart/": "RAMPART."}
		if strings.HasPrefix(code, "APIGW.") {
			return true
		}
		for k, p := range prefix {
			if strings.Contains(path, k) && strings.HasPrefix(code, p) {
				return true
			}
		}
		return false
	}
	code, _ := b["code"].(string)
	_, hasMsg := b["message"].(string)
	return strings.Contains(path, "/workspaces") && strings.HasPrefix(code, "SecMaster.") && hasMsg
}

// fuzzer generates requests from a seeded source.
type fuzzer struct {
	rng    *rand.Rand
	e      *fuzzEnv
	values []string // the JSON values mutations put in
	body_  bool     // bodies are only mutated, never replaced by garbage
}

// awkward are JSON values that stress decoding and storage.
var awkward = []string{
	`1e400`, `-1e400`, `1e-400`, `1e308`, `-0`, `0.5`, `12345678901234567890123`, `2147483648`, `-1`, `0`,
	`""`, `"\u0000"`, "\"a\xffb\"", `"𝄞é\u200b"`, `"\ud800"`, `"<script>"`, `"` + strings.Repeat("x", 300) + `"`,
	`null`, `true`, `[]`, `{}`, `[1,"a",null,{"k":[]}]`, `{"unknown":{"x":1e308}}`,
	`{"template":"default","x":1e400}`, `{"n":[-1e999]}`, `{"s":"\u0000"}`, "{\"s\":\"\xfe\"}", `{"tiny":1e-400,"big":1e308}`,
	strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40), strings.Repeat(`{"a":`, 7) + `1` + strings.Repeat(`}`, 7),
}

var queryNames = []string{"page", "pagesize", "limit", "offset", "enterprise_project_id", "hostname", "name", "policyname",
	"keepPolicy", "hosts", "action", "action_type", "layer", "ip", "host", "user", "groups", "since", "recent", "from", "to",
	"lang", "dest_policy_name", "policyids", "policy_name", "object_type"}

var queryValues = []string{"", "-1", "0", "1", "100", "99999999999999999999", "abc", "%00", "%ff", "all_granted_eps", "1e400",
	"%C3%A9", "true", "false", "create", "update", "cfw", "waf", "iam", "workspace", "192.0.2.1", "today", "3", strings.Repeat("z", 300)}

func (f *fuzzer) pick(xs []string) string { return xs[f.rng.IntN(len(xs))] }

// path fills the route's parameters, now and then with a malformed value.
func (f *fuzzer) path(rt fuzzRoute) string {
	ruleType := f.pick([]string{"geoip", "ip-reputation", "whiteblackip", "custom", "cc"})
	for _, t := range []string{"geoip", "ip-reputation", "whiteblackip", "custom", "cc", "punishment"} {
		if strings.Contains(rt.pattern, "/"+t) {
			ruleType = t
		}
	}
	return regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllStringFunc(rt.pattern, func(p string) string {
		name := p[1 : len(p)-1]
		if !f.body_ && f.rng.IntN(8) == 0 {
			return f.pick([]string{strings.Repeat("0", 32), "%00", "..%2F..", "%ff", "é", strings.Repeat("a", 300), "x%20y", "0"})
		}
		switch {
		case name == "rule_type":
			return ruleType
		case name == "rule_id":
			return f.e.ids[ruleType]
		case name == "policy_id" && strings.Contains(rt.pattern, "/workspaces/"):
			return f.e.ids["policy_id_sm"]
		}
		return f.e.ids[name]
	})
}

func (f *fuzzer) query(rt fuzzRoute) string {
	var qs []string
	if strings.HasSuffix(rt.pattern, "/stream") {
		qs = append(qs, "timeout=0") // the first value wins: never a long poll
	}
	if f.body_ {
		return ""
	}
	for range f.rng.IntN(4) {
		qs = append(qs, f.pick(queryNames)+"="+f.pick(queryValues))
	}
	if len(qs) == 0 {
		return ""
	}
	return "?" + strings.Join(qs, "&")
}

// body mutates a template of the route's body (or {}).
func (f *fuzzer) body(tmpl string) string {
	switch n := f.rng.IntN(20); {
	case f.body_:
	case n == 0:
		return f.pick([]string{"", "{", "[]", `"x"`, "null", "{\"a\":\"\xff\"}", `{"a":1}{"b":2}`})
	case n == 1:
		return `{"x":"` + strings.Repeat("y", 1<<20+10) + `"}`
	}
	if tmpl == "" {
		tmpl = `{}`
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(tmpl))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	for range f.rng.IntN(4) {
		v = f.mutate(v, 0)
	}
	return encodeRaw(v)
}

// rawJSON is a JSON text kept as is by encodeRaw.
type rawJSON string

func (f *fuzzer) mutate(v any, depth int) any {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		if len(keys) == 0 || f.rng.IntN(4) == 0 {
			t[f.pick([]string{"unknown", "x", "é", "\u0000k", "block_page", "flag", "modulex_options", "extend"})] = rawJSON(f.pick(f.values))
			return t
		}
		slicesSortStrings(keys)
		k := keys[f.rng.IntN(len(keys))]
		if f.rng.IntN(3) == 0 || depth > 3 {
			t[k] = rawJSON(f.pick(f.values))
		} else {
			t[k] = f.mutate(t[k], depth+1)
		}
		return t
	case []any:
		if len(t) > 0 && f.rng.IntN(2) == 0 {
			i := f.rng.IntN(len(t))
			t[i] = f.mutate(t[i], depth+1)
			return t
		}
		return append(t, rawJSON(f.pick(f.values)))
	}
	return rawJSON(f.pick(f.values))
}

func slicesSortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// encodeRaw writes v as JSON, copying rawJSON values verbatim (so that
// invalid UTF-8 and numbers beyond float64 reach the server).
func encodeRaw(v any) string {
	var b strings.Builder
	var enc func(v any)
	enc = func(v any) {
		switch t := v.(type) {
		case rawJSON:
			b.WriteString(string(t))
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			slicesSortStrings(keys)
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteByte(':')
				enc(t[k])
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range t {
				if i > 0 {
					b.WriteByte(',')
				}
				enc(e)
			}
			b.WriteByte(']')
		default:
			vb, _ := json.Marshal(t)
			b.Write(vb)
		}
	}
	enc(v)
	return b.String()
}

// templates are valid bodies of the write routes, by pattern; the fuzzer
// mutates them.
func (e *fuzzEnv) templates() map[string]string {
	host := `{"hostname":"t.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4","weight":1}],"proxy":false,"block_page":{"template":"default"},"flag":{"pci_3ds":"false"},"timeout_config":{"connect_timeout":30},"extend":{"k":"v"},"description":"d"}`
	pol := `{"policy_ids":["` + e.ids["policy_id"] + `"]}`
	return map[string]string{
		"POST /v3/auth/tokens":                                                     passwordBody("acme", "admin", "wrong", `{"project":{"name":"local"}}`),
		"POST /console/api/session":                                                passwordBody("acme", "admin", "wrong", `{"domain":{"name":"acme"}}`),
		"POST /v1/{project_id}/workspaces":                                         `{"region_id":"local","name":"ws","project_name":"local","description":"d"}`,
		"PUT /v1/{project_id}/workspaces/{workspace_id}":                           `{"name":"ws2","description":"d"}`,
		"POST /v1/{project_id}/waf/policy":                                         `{"name":"p","log_action_replaced":true}`,
		"PATCH /v1/{project_id}/waf/policy/{policy_id}":                            `{"name":"p2","level":1,"full_detection":false,"robot_action":{"category":"log"},"action":{"category":"log"},"options":{"geoip":true},"modulex_options":{"a":{"b":[1,2]}},"extend":{"k":"v"}}`,
		"POST /v1/{project_id}/waf/policies/batch-delete":                          `{"policy_ids":["` + strings.Repeat("0", 32) + `"]}`,
		"POST /v1/{project_id}/waf/policy/{policy_id}/geoip":                       `{"name":"g","white":0,"geoip":"JP","description":"d"}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}":              `{"name":"g","white":1,"geoip":"KR"}`,
		"POST /v1/{project_id}/waf/rule/geoip":                                     strings.TrimSuffix(pol, "}") + `,"white":0,"geoip":"FR"}`,
		"POST /v1/{project_id}/waf/policy/{policy_id}/ip-reputation":               `{"name":"r","type":"idc","tags":["Amazon"],"action":{"category":"log"}}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}":      `{"name":"r","type":"idc","tags":["AliCloud"],"action":{"category":"pass"}}`,
		"POST /v1/{project_id}/waf/policy/{policy_id}/whiteblackip":                `{"name":"w","addr":"198.51.100.0/24","white":1,"description":"d"}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}":       `{"name":"w","addr":"198.51.100.7","white":0}`,
		"POST /v1/{project_id}/waf/rule/whiteblackip":                              strings.TrimSuffix(pol, "}") + `,"name":"b","addr":"203.0.113.0/24","white":0}`,
		"POST /v1/{project_id}/waf/policy/{policy_id}/custom":                      `{"name":"c","description":"d","time":true,"start":1700000000,"terminal":1800000000,"priority":3,"conditions":[{"category":"params","index":"id","logic_operation":"num_greater","contents":["9"]},{"category":"ip","logic_operation":"not_equal","contents":["192.0.2.0/24"]}],"action":{"category":"log"}}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id}":             `{"name":"c2","time":false,"priority":0,"conditions":[{"category":"method","logic_operation":"equal","contents":["POST"]}],"action":{"category":"block","followed_action_id":"` + e.ids["punishment"] + `"}}`,
		"POST /v1/{project_id}/waf/rule/custom":                                    strings.TrimSuffix(pol, "}") + `,"name":"c3","time":false,"priority":9,"conditions":[{"category":"request","logic_operation":"len_greater","contents":["4096"]}],"action":{"category":"pass"}}`,
		"POST /v1/{project_id}/waf/rule/custom/batch-update":                       `{"status":0,"priority":4,"policy_rule_ids":[{"policy_id":"` + e.ids["policy_id"] + `","rule_ids":["` + e.ids["custom"] + `"]}]}`,
		"POST /v1/{project_id}/waf/policy/{policy_id}/cc":                          `{"name":"cc","description":"d","mode":1,"conditions":[{"category":"header","index":"x-k","logic_operation":"prefix","contents":["v"]},{"category":"ip","logic_operation":"equal","contents":["192.0.2.0/24"]}],"action":{"category":"dynamic_block","detail":{"response":{"content_type":"application/json","content":"{}"}}},"tag_type":"cookie","tag_index":"sid","limit_num":10,"limit_period":60,"unlock_num":2,"lock_time":30,"domain_aggregation":true,"priority":5,"cc_priority":9}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id}":                 `{"name":"cc2","mode":0,"url":"/api","prefix":true,"action":{"category":"log"},"tag_type":"other","tag_condition":{"category":"referer","contents":["https://a.example"]},"limit_num":5,"limit_period":1}`,
		"POST /v1/{project_id}/waf/rule/cc":                                        strings.TrimSuffix(pol, "}") + `,` + strings.TrimPrefix(`{"name":"cc2","mode":0,"url":"/api","prefix":true,"action":{"category":"log"},"tag_type":"other","tag_condition":{"category":"referer","contents":["https://a.example"]},"limit_num":5,"limit_period":1}`, "{"),
		"POST /v1/{project_id}/waf/rule/cc/batch-update":                           strings.TrimSuffix(`{"name":"cc","description":"d","mode":1,"conditions":[{"category":"header","index":"x-k","logic_operation":"prefix","contents":["v"]},{"category":"ip","logic_operation":"equal","contents":["192.0.2.0/24"]}],"action":{"category":"dynamic_block","detail":{"response":{"content_type":"application/json","content":"{}"}}},"tag_type":"cookie","tag_index":"sid","limit_num":10,"limit_period":60,"unlock_num":2,"lock_time":30,"domain_aggregation":true,"priority":5,"cc_priority":9}`, "}") + `,"policy_rule_ids":[{"policy_id":"` + e.ids["policy_id"] + `","rule_ids":["` + e.ids["cc"] + `"]}]}`,
		"POST /v1/{project_id}/waf/policy/{policy_id}/punishment":                  `{"category":"short_header_block","time_unit":"SECOND","block_time":120,"description":"d"}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id}":         `{"category":"long_ip_block","time_unit":"DAY","block_time":3}`,
		"PUT /v1/{project_id}/waf/policy/{policy_id}/{rule_type}/{rule_id}/status": `{"status":0}`,
		"POST /v1/{project_id}/waf/ip-groups":                                      `{"name":"grp","ips":"198.51.100.1,198.51.100.0/28","description":"d","ip_remarks":{"198.51.100.1":"r"}}`,
		"PUT /v1/{project_id}/waf/ip-group/{id}":                                   `{"name":"grp2","ips":"198.51.100.2","description":"d"}`,
		"POST /v1/{project_id}/waf/valuelist":                                      `{"name":"vl","type":"ip","values":["198.51.100.1","2001:db8::/32"],"description":"d"}`,
		"PUT /v1/{project_id}/waf/valuelist/{valuelistid}":                         `{"name":"vl2","type":"url","values":["/admin","/login"],"description":"d"}`,
		"POST /v1/{project_id}/waf/instance":                                       host,
		"PATCH /v1/{project_id}/waf/instance/{instance_id}":                        host,
		"PUT /v1/{project_id}/waf/instance/{instance_id}":                          host,
		"PUT /v1/{project_id}/waf/instance/{instance_id}/protect-status":           `{"protect_status":0}`,
		"PUT /v1/{project_id}/waf/instance/{instance_id}/access-status":            `{"access_status":1}`,
		"PUT /v1/{project_id}/waf/certificate/{certificate_id}":                    `{"name":"cert2"}`,
		"POST /v1/{project_id}/waf/certificate/{certificate_id}/apply-to-hosts":    `{"cloud_host_ids":["` + e.ids["instance_id"] + `"]}`,
		"POST /v2/{project_id}/access-policy":                                      `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET","access_control_type":"IP_WHITE_LIST","ip_access_control":"192.0.2.0/24|d"}}`,
		"PUT /v2/{project_id}/access-policy/{access_policy_id}":                    `{"policy":{"ip_access_control":"192.0.2.0/24|d","is_enable":true}}`,
		"PUT /v2/{project_id}/access-policy/{access_policy_id}/objects":            `{"policy_objects_list":[{"object_type":"USER","object_id":"u1","object_name":"n"}]}`,
		"DELETE /v2/{project_id}/access-policy":                                    `{"policy_id_list":["` + strings.Repeat("0", 20) + `"]}`,
		"POST /v1/{project_id}/rampart/decisions":                                  `{"checks":[{"layer":"cfw","ip":"203.0.113.7"},{"layer":"waf","host":"t.example.com","ip":"192.0.2.1"}]}`,
		"POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/search":       `{"limit":10,"offset":0}`,
	}
}

// readBack lists every collection of the project and shows one item of
// each, failing on anything but 200: whatever a write accepted must stay
// readable.
func (e *fuzzEnv) readBack(after string) {
	e.tb.Helper()
	pid := e.Creds.ProjectID
	w := "/v1/" + pid + "/waf/"
	for _, c := range []struct{ method, path, body string }{
		{"GET", w + "policy?pagesize=100", ""}, {"GET", w + "instance?pagesize=100", ""}, {"GET", w + "ip-groups?pagesize=100", ""}, {"GET", w + "valuelist", ""},
		{"GET", w + "certificate?pagesize=100", ""}, {"GET", w + "rule/geoip", ""}, {"GET", w + "rule/ip-reputation", ""},
		{"GET", w + "rule/whiteblackip", ""}, {"GET", w + "rule/custom", ""}, {"GET", w + "rule/cc", ""},
		{"GET", "/v1/" + pid + "/workspaces?limit=100", ""},
		{"GET", "/v2/" + pid + "/access-policy", ""},
	} {
		if st, _, raw := e.send(c.method, c.path, c.body); st != 200 {
			e.tb.Errorf("after %s: %s %s answers %d: %.300s", after, c.method, c.path, st, raw)
		}
	}
}

// sweep re-opens the database file and loads what the data plane (its host
// table) and the engines load, then shows and deletes every WAF host and
// policy.
func (e *fuzzEnv) sweep() {
	e.tb.Helper()
	pid := e.Creds.ProjectID
	ctx := context.Background()
	db, err := sqlite.Open(ctx, e.DB.Path(), sqlite.Options{})
	if err != nil {
		e.tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AllHosts(ctx); err != nil {
		e.tb.Errorf("re-opened store: AllHosts: %v", err)
	}
	px := proxy.New(proxy.Config{}, proxy.Deps{Hosts: db, Revisions: db, Decisions: e.Decisions})
	defer px.Close()
	if _, err := px.Refresh(ctx); err != nil {
		e.tb.Errorf("re-opened store: the data plane's host table does not load: %v", err)
	}
	if n := db.UnreadableRows(); len(n) > 0 {
		e.tb.Errorf("re-opened store skipped unreadable rows: %v", n)
	}
	if _, err := e.Decisions.Refresh(ctx); err != nil {
		e.tb.Errorf("decision engines refresh: %v", err)
	}
	for _, kind := range []string{"instance", "policy"} {
		st, list, raw := e.send("GET", "/v1/"+pid+"/waf/"+kind+"?pagesize=100", "")
		if st != 200 {
			e.tb.Fatalf("list %s: %d %s", kind, st, raw)
		}
		items, _ := list["items"].([]any)
		for _, it := range items {
			id, _ := it.(map[string]any)["id"].(string)
			if st, _, raw := e.send("GET", "/v1/"+pid+"/waf/"+kind+"/"+id, ""); st != 200 {
				e.tb.Errorf("show %s %s: %d %s", kind, id, st, raw)
			}
			if st, _, raw := e.send("DELETE", "/v1/"+pid+"/waf/"+kind+"/"+id, ""); st != 200 {
				e.tb.Errorf("delete %s %s: %d %s", kind, id, st, raw)
			}
		}
	}
	if hs, _, err := db.FindHosts(ctx, waf.HostFilter{ProjectID: pid, EnterpriseProjectID: waf.AllEnterpriseProjects, Page: waf.Page{Limit: -1}}); err != nil || len(hs) != 0 {
		e.tb.Errorf("after the sweep: %d hosts, %v", len(hs), err)
	}
}

// fuzzResult counts what a run saw.
type fuzzResult struct{ requests, accepted, serverErrors, badEnvelopes int }

// runFuzz sends n mutated requests over every route.
func runFuzz(t *testing.T, e *fuzzEnv, f *fuzzer, seed uint64, n int) fuzzResult {
	routes := routesOf(t)
	tmpl := e.templates()
	if f.body_ { // writes only, and only the routes with a template
		var writes []fuzzRoute
		for _, rt := range routes {
			if tmpl[rt.method+" "+rt.pattern] != "" {
				writes = append(writes, rt)
			}
		}
		routes = writes
	}
	var r fuzzResult
	for i := range n {
		if i > 0 && i%300 == 0 {
			e.fixtures() // the fuzzer deletes what it aims at
		}
		rt := routes[f.rng.IntN(len(routes))]
		for f.rng.IntN(2) == 0 && tmpl[rt.method+" "+rt.pattern] == "" { // half the requests are writes with a template
			rt = routes[f.rng.IntN(len(routes))]
		}
		method := rt.method
		if rt.pattern == "/" || (!f.body_ && f.rng.IntN(40) == 0) {
			method = f.pick([]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
		}
		path := f.path(rt)
		if rt.pattern == "/" {
			path = f.pick([]string{"/", "/v1/", "/v9/x", "/v1/" + e.Creds.ProjectID + "/waf/nope", "/%00", "/v3/auth"})
		}
		body := ""
		if method == "POST" || method == "PUT" || method == "PATCH" || (method == "DELETE" && strings.HasSuffix(rt.pattern, "access-policy")) {
			body = f.body(tmpl[rt.method+" "+rt.pattern])
		}
		url := path + f.query(rt)
		req, err := http.NewRequest(method, e.URL+url, bytes.NewReader([]byte(body)))
		if err != nil {
			continue // a path Go's client refuses to send
		}
		st, b, raw := e.sendRequest(req, body != "")
		r.requests++
		desc := fmt.Sprintf("request %d (seed %d): %s %s %.200q", i, seed, method, url, body)
		switch {
		case st >= 500:
			r.serverErrors++
			t.Errorf("%s answered %d: %.300s", desc, st, raw)
		case st >= 400 && method != "HEAD" && !envelopeOK(path, b):
			r.badEnvelopes++
			t.Errorf("%s answered %d outside the family envelope: %.300s", desc, st, raw)
		case st < 300 && b == nil && strings.HasPrefix(raw, "{"):
			t.Errorf("%s answered %d with a body that is not JSON: %.300s", desc, st, raw)
		case st < 300 && method != "GET" && method != "HEAD":
			r.accepted++
			e.readBack(desc)
		}
		if t.Failed() && r.serverErrors+r.badEnvelopes > 20 {
			t.Fatal("too many failures")
		}
	}
	e.sweep()
	return r
}

// TestRouteFuzz walks every route of routes.go, authenticated, with mutated
// bodies (wrong types, numbers out of range, deep nesting, NUL and invalid
// UTF-8, unknown fields, oversize bodies), malformed path parameters and
// queries. It fails on any 5xx, any error outside the family's envelope,
// and any accepted write after which a collection no longer reads back; at
// the end every host and policy is shown and deleted and the database file
// is re-opened and loaded. RAMPART_FUZZ_REQUESTS sets the number of
// requests (default 2000) and RAMPART_FUZZ_SEED the seed (default 1).
func TestRouteFuzz(t *testing.T) {
	n, seed := 2000, uint64(1)
	if v := os.Getenv("RAMPART_FUZZ_REQUESTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("RAMPART_FUZZ_REQUESTS: %v", err)
		}
	}
	if v := os.Getenv("RAMPART_FUZZ_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("RAMPART_FUZZ_SEED: %v", err)
		}
	}
	e := newFuzzEnv(t)
	start := time.Now()
	f := &fuzzer{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), e: e, values: awkward}
	r := runFuzz(t, e, f, seed, n)
	t.Logf("%d requests (seed %d) in %v: %d writes accepted, %d server errors, %d answers outside the envelope",
		r.requests, seed, time.Since(start).Round(time.Millisecond), r.accepted, r.serverErrors, r.badEnvelopes)
}

// readable are awkward JSON values a write may accept: extreme but finite
// numbers, unicode, nesting within the free-form bounds, unknown fields.
var readable = []string{
	`1e308`, `-1e308`, `1e-400`, `5e-324`, `-0`, `12345678901234567890123`, `0.1`, `""`, `"𝄞é\u200b"`, `"\ud800"`,
	`"` + strings.Repeat("é", 200) + `"`, `null`, `true`, `[]`, `{}`, `{"template":"custom","custom_page":{"status_code":403,"content":"<p>é</p>"}}`,
	strings.Repeat(`{"a":`, 7) + `1e308` + strings.Repeat(`}`, 7), `[1e308,-1e-400,"x",{"k":[]}]`,
}

// TestWriteRoutesReadBack is the readback property: whatever a write route
// of routes.go accepts, with awkward values anywhere in its body (the
// valid bodies of the fuzzer, mutated), reads back afterwards: every
// collection lists, every host and policy shows and deletes, and the
// database file re-opens and loads with no row skipped.
func TestWriteRoutesReadBack(t *testing.T) {
	e := newFuzzEnv(t)
	f := &fuzzer{rng: rand.New(rand.NewPCG(7, 11)), e: e, values: readable, body_: true}
	r := runFuzz(t, e, f, 7, 1500)
	if r.accepted < 200 {
		t.Fatalf("only %d of %d writes were accepted: the property says little", r.accepted, r.requests)
	}
	t.Logf("%d writes, %d accepted", r.requests, r.accepted)
}
