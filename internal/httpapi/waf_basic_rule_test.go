package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestWAFBasicRuleCatalogue drives ListWebBasicProtectionRules and
// ShowWebProtectionRule over HTTP: the fields of the SDK's model, the
// filters, paging, an unknown rule and bad parameters.
func TestWAFBasicRuleCatalogue(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	rules := inspect.Rules()

	all := ok(t, e.call(t, "GET", "policy/basic-protection/default-rules?limit=1000", ""))
	if num(all["total"]) != len(rules) || len(items(t, all)) != len(rules) {
		t.Fatalf("total %v, %d items, want %d", all["total"], len(items(t, all)), len(rules))
	}
	for i, it := range items(t, all) {
		m := it.(map[string]any)
		r := rules[i]
		if m["id"] != r.ID || m["description"] != r.Description || m["protection_type"] != r.Attack ||
			num(m["risk_level"]) != r.RiskLevel || m["cve_number"] != r.CVE ||
			m["application_type"] != strings.Join(r.ApplicationTypes, ",") ||
			int64(m["update_time"].(float64)) != inspect.CatalogueReleased.UnixMilli() ||
			num(m["create_time"]) == 0 || num(m["effective_time"]) == 0 {
			t.Errorf("item %d = %v, want %+v", i, m, r)
		}
	}

	// Default page of 10; level, risk level and type filters together.
	if got := len(items(t, ok(t, e.call(t, "GET", "policy/basic-protection/default-rules", "")))); got != 10 {
		t.Errorf("default page has %d items, want 10", got)
	}
	var want []string
	for _, r := range rules {
		if r.Level <= 2 && r.Attack == "sqli" && r.RiskLevel == inspect.RiskMedium {
			want = append(want, r.ID)
		}
	}
	f := ok(t, e.call(t, "GET", "policy/basic-protection/default-rules?level=2&risk_level=2&protection_type_names=sqli&enterprise_project_id=0&limit=1000", ""))
	var got []string
	for _, it := range items(t, f) {
		got = append(got, str(it.(map[string]any)["id"]))
	}
	if len(want) == 0 || !slices.Equal(got, want) || num(f["total"]) != len(want) {
		t.Errorf("level 2 medium sqli: %v (total %v), want %v", got, f["total"], want)
	}
	cve := ok(t, e.call(t, "GET", "policy/basic-protection/default-rules?cve_number=CVE-2021-44228", ""))
	if num(cve["total"]) != 1 || str(items(t, cve)[0].(map[string]any)["cve_number"]) != "CVE-2021-44228" {
		t.Errorf("cve filter: %v", cve)
	}
	page := ok(t, e.call(t, "GET", "policy/basic-protection/default-rules?offset=2&limit=3", ""))
	if num(page["total"]) != len(rules) || len(items(t, page)) != 3 || items(t, page)[0].(map[string]any)["id"] != rules[2].ID {
		t.Errorf("offset 2 limit 3: %v", page)
	}

	for _, q := range []string{"level=4", "risk_level=0", "protection_type_names=nosuch", "from=1", "from=5&to=4", "enterprise_project_id=a%2Fb"} {
		wantError(t, e.call(t, "GET", "policy/basic-protection/default-rules?"+q, ""), 400, "WAF.00021002")
	}
	for _, q := range []string{"limit=0", "limit=1001", "offset=-1", "offset=x"} {
		wantError(t, e.call(t, "GET", "policy/basic-protection/default-rules?"+q, ""), 400, "WAF.00021020")
	}

	// Show each rule; an unknown rule is 404, a malformed id 400.
	for _, r := range rules {
		m := ok(t, e.call(t, "GET", "web-protection-rules/"+r.ID, ""))
		if m["id"] != r.ID || m["description"] != r.Description || num(m["risk_level"]) != r.RiskLevel || m["protection_type"] != r.Attack {
			t.Errorf("show %s: %v", r.ID, m)
		}
	}
	wantError(t, e.call(t, "GET", "web-protection-rules/999999", ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "GET", "web-protection-rules/10000~1", ""), 400, "WAF.00021004")
	wantError(t, e.call(t, "GET", "web-protection-rules/"+rules[0].ID+"?enterprise_project_id=a%2Fb", ""), 400, "WAF.00021002")

	// Unauthenticated calls are refused by the gateway.
	if res := fetch(t, newRequest(t, "GET", e.URL+"/v1/"+e.Creds.ProjectID+"/waf/web-protection-rules/"+rules[0].ID, "")); res.Status != http.StatusUnauthorized {
		t.Errorf("unauthenticated show: %d %s", res.Status, res.Raw)
	}
}

// TestWAFCatalogueTypes drives ConfirmProtectionTypes and
// ConfirmApplicationTypes (whose offset counts from 1).
func TestWAFCatalogueTypes(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	pt := ok(t, e.call(t, "GET", "rules/protection-types", ""))
	names := []string{}
	for _, it := range items(t, pt) {
		names = append(names, it.(string))
	}
	if !slices.Equal(names, []string{"vuln", "xss", "cmdi", "lfi", "rfi", "webshell", "robot", "sqli"}) || num(pt["total"]) != 8 {
		t.Fatalf("protection types: %v", pt)
	}
	if two := ok(t, e.call(t, "GET", "rules/protection-types?offset=6&limit=5", "")); len(items(t, two)) != 2 || items(t, two)[0] != "robot" {
		t.Fatalf("protection types from 6: %v", two)
	}

	var apps []string
	for _, r := range inspect.Rules() {
		for _, a := range r.ApplicationTypes {
			if !slices.Contains(apps, a) {
				apps = append(apps, a)
			}
		}
	}
	slices.Sort(apps)
	at := ok(t, e.call(t, "GET", "rules/application-types?limit=1000", ""))
	if num(at["total"]) != len(apps) || len(items(t, at)) != len(apps) || items(t, at)[0] != apps[0] {
		t.Fatalf("application types: %v, want %v", at, apps)
	}
	if second := ok(t, e.call(t, "GET", "rules/application-types?offset=2&limit=1", "")); len(items(t, second)) != 1 || items(t, second)[0] != apps[1] {
		t.Fatalf("application types from the second: %v, want %s", second, apps[1])
	}
	wantError(t, e.call(t, "GET", "rules/application-types?limit=1001", ""), 400, "WAF.00021020")
	wantError(t, e.call(t, "GET", "rules/protection-types?offset=-1", ""), 400, "WAF.00021020")
}

// TestWAFVulnerabilityNotifications drives ListVulnRules: a bare array of
// the CVEs the built-in rules are about, with their rules.
func TestWAFVulnerabilityNotifications(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	list := func(query string) []map[string]any {
		t.Helper()
		res := fetch(t, e.signedRequest(t, e.Creds.ProjectID, "GET", "vulnerability/notification"+query, ""))
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", query, res.Status, res.Raw)
		}
		var out []map[string]any
		if err := json.Unmarshal([]byte(res.Raw), &out); err != nil {
			t.Fatalf("%s: not an array: %s", query, res.Raw)
		}
		return out
	}
	want := inspect.Vulnerabilities()
	got := list("")
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d notifications, want %d", len(got), len(want))
	}
	for i, v := range got {
		var ids []string
		for _, id := range v["rule_ids"].([]any) {
			ids = append(ids, id.(string))
		}
		if v["vulnerability_id"] != want[i].CVE || v["description"] != want[i].Description || !slices.Equal(ids, want[i].RuleIDs) || num(v["create_time"]) == 0 {
			t.Errorf("notification %d = %v, want %+v", i, v, want[i])
		}
	}
	if one := list("?offset=1&limit=1"); len(one) != min(1, len(want)-1) {
		t.Errorf("offset 1 limit 1: %v", one)
	}
	before := strconv.FormatInt(inspect.CatalogueReleased.UnixMilli()-1, 10)
	if none := list("?from=0&to=" + before); len(none) != 0 {
		t.Errorf("published before the catalogue: %v", none)
	}
	wantError(t, e.call(t, "GET", "vulnerability/notification?from=1", ""), 400, "WAF.00021002")
	wantError(t, e.call(t, "GET", "vulnerability/notification?limit=0", ""), 400, "WAF.00021020")
}
