package waf_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

func findBasicRules(t *testing.T, query string) ([]waf.BasicRule, int) {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f, err := waf.ParseBasicRuleQuery(q)
	if err != nil {
		t.Fatalf("ParseBasicRuleQuery(%s): %v", query, err)
	}
	return waf.BuiltinRuleCatalogue().FindBasicRules(f)
}

func ruleIDs(rules []waf.BasicRule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.ID)
	}
	return out
}

// TestBasicRuleFilters checks each filter of ListWebBasicProtectionRules
// against a linear selection over inspect.Rules().
func TestBasicRuleFilters(t *testing.T) {
	t.Parallel()
	all := inspect.Rules()
	want := func(keep func(inspect.RuleInfo) bool) []string {
		var out []string
		for _, r := range all {
			if keep(r) {
				out = append(out, r.ID)
			}
		}
		return out
	}
	php := func(r inspect.RuleInfo) bool { return slices.Contains(r.ApplicationTypes, "PHP") }
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", want(func(inspect.RuleInfo) bool { return true })},
		{"level=1", want(func(r inspect.RuleInfo) bool { return r.Level == 1 })},
		{"level=2", want(func(r inspect.RuleInfo) bool { return r.Level <= 2 })},
		{"level=3", want(func(r inspect.RuleInfo) bool { return true })},
		{"risk_level=3", want(func(r inspect.RuleInfo) bool { return r.RiskLevel == 3 })},
		{"protection_type_names=sqli", want(func(r inspect.RuleInfo) bool { return r.Attack == "sqli" })},
		{"protection_type_names=lfi,rfi", want(func(r inspect.RuleInfo) bool { return r.Attack == "lfi" || r.Attack == "rfi" })},
		{"protection_type_names=xss&protection_type_names=robot", want(func(r inspect.RuleInfo) bool { return r.Attack == "xss" || r.Attack == "robot" })},
		{"application_type_names=php", want(php)},
		{"application_type_names=PHP&level=1&protection_type_names=vuln", want(func(r inspect.RuleInfo) bool { return php(r) && r.Level == 1 && r.Attack == "vuln" })},
		{"cve_number=2021-44228", want(func(r inspect.RuleInfo) bool { return r.CVE == "CVE-2021-44228" })},
		{"cve_number=CVE-", want(func(r inspect.RuleInfo) bool { return r.CVE != "" })},
		{"description=UNION+select", want(func(r inspect.RuleInfo) bool { return strings.Contains(strings.ToLower(r.Description), "union select") })},
		{"id=" + all[0].ID, []string{all[0].ID}},
		{"id=999999", nil},
		{"from=0&to=" + strconv.FormatInt(inspect.CatalogueReleased.UnixMilli()-1, 10), nil},
		{"from=0&to=" + strconv.FormatInt(inspect.CatalogueReleased.UnixMilli(), 10), want(func(inspect.RuleInfo) bool { return true })},
	} {
		f, err := waf.ParseBasicRuleQuery(mustQuery(t, tt.query))
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		f.Page.Limit = 1000
		got, total := waf.BuiltinRuleCatalogue().FindBasicRules(f)
		if !slices.Equal(ruleIDs(got), tt.want) || total != len(tt.want) {
			t.Errorf("%q: %v (total %d), want %v", tt.query, ruleIDs(got), total, tt.want)
		}
	}
	// The filters that must select something in today's catalogue do.
	for _, q := range []string{"level=1", "risk_level=3", "application_type_names=php", "cve_number=2021-44228", "description=UNION+select"} {
		if _, n := findBasicRules(t, q); n == 0 {
			t.Errorf("%s selects nothing", q)
		}
	}
	if _, n1 := findBasicRules(t, "level=1"); n1 >= len(all) {
		t.Errorf("level 1 holds all %d rules", n1)
	}
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestBasicRulePaging(t *testing.T) {
	t.Parallel()
	var all []string
	for _, r := range inspect.Rules() {
		all = append(all, r.ID)
	}
	got, total := findBasicRules(t, "")
	if total != len(all) || !slices.Equal(ruleIDs(got), all[:10]) {
		t.Fatalf("default page: %v of %d", ruleIDs(got), total)
	}
	got, total = findBasicRules(t, "offset=3&limit=2")
	if total != len(all) || !slices.Equal(ruleIDs(got), all[3:5]) {
		t.Fatalf("offset 3 limit 2: %v of %d", ruleIDs(got), total)
	}
	got, total = findBasicRules(t, "offset="+strconv.Itoa(len(all)))
	if total != len(all) || len(got) != 0 {
		t.Fatalf("past the end: %v of %d", ruleIDs(got), total)
	}
}

func TestParseBasicRuleQueryErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ query, code string }{
		{"level=4", waf.CodeURLParam},
		{"level=0", waf.CodeURLParam},
		{"risk_level=high", waf.CodeURLParam},
		{"protection_type_names=sqli,nosuch", waf.CodeURLParam},
		{"from=1", waf.CodeURLParam},
		{"from=2&to=1", waf.CodeURLParam},
		{"from=x&to=1", waf.CodeURLParam},
		{"enterprise_project_id=a/b", waf.CodeURLParam},
		{"cve_number=" + strings.Repeat("9", 257), waf.CodeURLParam},
		{"limit=0", waf.CodePaging},
		{"limit=1001", waf.CodePaging},
		{"offset=-1", waf.CodePaging},
		{"offset=2147483646", waf.CodePaging},
	} {
		_, err := waf.ParseBasicRuleQuery(mustQuery(t, tt.query))
		e, ok := err.(*rampart.Error)
		if !ok || e.Kind != rampart.KindInvalid || e.Code != tt.code {
			t.Errorf("%s: error %v, want %s", tt.query, err, tt.code)
		}
	}
}

func TestFindBasicRule(t *testing.T) {
	t.Parallel()
	c := waf.BuiltinRuleCatalogue()
	for _, r := range inspect.Rules() {
		got, err := c.FindBasicRule(r.ID)
		if err != nil || got.ID != r.ID || got.Description != r.Description || got.ProtectionType != r.Attack ||
			got.RiskLevel != r.RiskLevel || got.Level != r.Level || got.CVENumber != r.CVE || !got.Updated.Equal(inspect.CatalogueReleased) {
			t.Errorf("FindBasicRule(%s) = %+v, %v", r.ID, got, err)
		}
	}
	_, err := c.FindBasicRule("999999")
	if e, ok := err.(*rampart.Error); !ok || e.Kind != rampart.KindNotFound || e.Code != waf.CodeNotFound {
		t.Fatalf("unknown rule: %v", err)
	}
	_, err = c.FindBasicRule("10000'1")
	wantCode(t, err, waf.CodeID)
}

func TestCatalogueTypesAndVulnerabilities(t *testing.T) {
	t.Parallel()
	c := waf.BuiltinRuleCatalogue()
	types, n := c.ProtectionTypes(waf.Page{Limit: 10})
	if !slices.Equal(types, waf.BasicProtectionTypes) || n != len(types) {
		t.Fatalf("protection types %v (%d)", types, n)
	}
	apps, n := c.ApplicationTypes(waf.Page{Limit: 1000})
	if !slices.IsSorted(apps) || !slices.Contains(apps, inspect.ApplicationGeneral) || !slices.Contains(apps, "PHP") || n != len(apps) {
		t.Fatalf("application types %v (%d)", apps, n)
	}
	p, err := waf.ParseCataloguePage("2", "1", 1) // application types count offset from 1
	if err != nil || p.Offset != 1 || p.Limit != 1 {
		t.Fatalf("page from 1: %+v, %v", p, err)
	}
	if second, _ := c.ApplicationTypes(p); !slices.Equal(second, apps[1:2]) {
		t.Fatalf("second application type %v, want %v", second, apps[1:2])
	}
	if p, err := waf.ParseCataloguePage("0", "", 1); err != nil || p.Offset != 0 || p.Limit != 10 {
		t.Fatalf("offset 0 counting from 1: %+v, %v", p, err)
	}
	vulns := c.FindVulnerabilities(waf.TimeWindow{}, waf.Page{Limit: 10})
	iv := inspect.Vulnerabilities()
	if len(vulns) != len(iv) || len(vulns) == 0 {
		t.Fatalf("vulnerabilities %+v, want %+v", vulns, iv)
	}
	for i, v := range vulns {
		if v.ID != iv[i].CVE || !slices.Equal(v.RuleIDs, iv[i].RuleIDs) || v.Description == "" {
			t.Errorf("vulnerability %+v, want %+v", v, iv[i])
		}
	}
	before := waf.TimeWindow{From: inspect.CatalogueReleased.AddDate(-1, 0, 0), To: inspect.CatalogueReleased.Add(-1)}
	if got := c.FindVulnerabilities(before, waf.Page{Limit: 10}); len(got) != 0 {
		t.Fatalf("vulnerabilities published before the catalogue: %+v", got)
	}
}

func FuzzParseBasicRuleQuery(f *testing.F) {
	for _, s := range []string{
		"", "level=2&risk_level=1", "protection_type_names=sqli,xss&application_type_names=PHP", "from=0&to=1",
		"from=9223372036854775807&to=9223372036854775807", "offset=2147483645&limit=1000", "id=%00", "%zz",
		"cve_number=CVE-2021&description=%E2%80%A6", "level=01", "limit=+1",
	} {
		f.Add(s)
	}
	total := len(inspect.Rules())
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := waf.ParseBasicRuleQuery(q)
		if err != nil {
			e := rampart.AsError(err)
			if e.Kind != rampart.KindInvalid || (e.Code != waf.CodeURLParam && e.Code != waf.CodePaging) || e.Message == "" {
				t.Fatalf("error %#v", e)
			}
			return
		}
		if flt.Page.Limit < 1 || flt.Page.Limit > 1000 || flt.Page.Offset < 0 || flt.Level < 0 || flt.Level > 3 {
			t.Fatalf("accepted %q as %+v", raw, flt)
		}
		rules, n := waf.BuiltinRuleCatalogue().FindBasicRules(flt)
		if len(rules) > flt.Page.Limit || n > total || len(rules) > n {
			t.Fatalf("%q: %d rules of %d", raw, len(rules), n)
		}
	})
}
