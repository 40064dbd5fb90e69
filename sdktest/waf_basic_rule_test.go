package sdktest

import (
	"regexp"
	"slices"
	"testing"

	waf "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1"
	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

var sdkRuleID = regexp.MustCompile(`^[0-9]{6}$`)

func listBasicRules(t *testing.T, c *waf.WafClient, req wm.ListWebBasicProtectionRulesRequest) []wm.WebBasicProtectionRulesItem {
	t.Helper()
	if req.Limit == nil {
		req.Limit = ptr(int32(1000))
	}
	res, err := c.ListWebBasicProtectionRules(&req)
	if err != nil {
		t.Fatalf("ListWebBasicProtectionRules(%s): %v", req, err)
	}
	offset := 0
	if req.Offset != nil {
		offset = int(*req.Offset)
	}
	if res.Total == nil || res.Items == nil || len(*res.Items) != min(int(*req.Limit), max(0, int(*res.Total)-offset)) {
		t.Fatalf("ListWebBasicProtectionRules(%s): %s is not the window asked for", req, res)
	}
	return *res.Items
}

// TestWAFBasicRuleCatalogue drives the built-in rule catalogue through the
// official SDK: ListWebBasicProtectionRules with its filters and paging,
// ShowWebProtectionRule of every rule and of an unknown one,
// ConfirmProtectionTypes, ConfirmApplicationTypes and ListVulnRules.
func TestWAFBasicRuleCatalogue(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	en := wm.GetListWebBasicProtectionRulesRequestXLanguageEnum().EN_US
	all := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{XLanguage: &en, EnterpriseProjectId: ptr("0")})
	if len(all) < 20 {
		t.Fatalf("only %d built-in rules", len(all))
	}
	types := []string{"vuln", "xss", "cmdi", "lfi", "rfi", "webshell", "robot", "sqli"}
	for _, r := range all {
		if r.Id == nil || !sdkRuleID.MatchString(*r.Id) || r.Description == nil || *r.Description == "" || r.RiskLevel == nil ||
			r.RiskLevel.Value() < 1 || r.RiskLevel.Value() > 3 || r.ProtectionType == nil || !slices.Contains(types, *r.ProtectionType) ||
			r.ApplicationType == nil || *r.ApplicationType == "" || r.CreateTime == nil || r.UpdateTime == nil || r.EffectiveTime == nil {
			t.Errorf("rule %s", r)
		}
	}

	// Filters, as the SDK encodes them.
	levels := wm.GetListWebBasicProtectionRulesRequestLevelEnum()
	l1 := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{Level: &levels.E_1})
	l3 := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{Level: &levels.E_3})
	if len(l1) == 0 || len(l1) >= len(l3) || len(l3) != len(all) {
		t.Errorf("level 1 has %d rules, level 3 %d, all %d", len(l1), len(l3), len(all))
	}
	sqli := wm.GetListWebBasicProtectionRulesRequestProtectionTypeNamesEnum().SQLI
	high := wm.GetListWebBasicProtectionRulesRequestRiskLevelEnum().E_1
	got := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{ProtectionTypeNames: &sqli, RiskLevel: &high})
	if len(got) == 0 {
		t.Error("no high-risk sqli rule")
	}
	for _, r := range got {
		if *r.ProtectionType != "sqli" || r.RiskLevel.Value() != 1 {
			t.Errorf("sqli/high filter returned %s", r)
		}
	}
	log4j := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{CveNumber: ptr("CVE-2021-44228")})
	if len(log4j) == 0 || *log4j[0].CveNumber != "CVE-2021-44228" {
		t.Errorf("cve_number filter: %v", log4j)
	}
	php := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{ApplicationTypeNames: ptr("PHP")})
	if len(php) == 0 || len(php) >= len(all) {
		t.Errorf("application type PHP: %d rules of %d", len(php), len(all))
	}
	one := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{Id: all[3].Id})
	if len(one) != 1 || *one[0].Id != *all[3].Id {
		t.Errorf("id filter: %v", one)
	}
	page := listBasicRules(t, c, wm.ListWebBasicProtectionRulesRequest{Offset: ptr(int32(2)), Limit: ptr(int32(3))})
	if len(page) != 3 || *page[0].Id != *all[2].Id {
		t.Errorf("offset 2 limit 3: %v", page)
	}
	_, err := c.ListWebBasicProtectionRules(&wm.ListWebBasicProtectionRulesRequest{Limit: ptr(int32(1001))})
	WantServiceError(t, err, 400, "WAF.00021020")
	_, err = c.ListWebBasicProtectionRules(&wm.ListWebBasicProtectionRulesRequest{From: ptr(int64(1))})
	WantServiceError(t, err, 400, "WAF.00021002")

	// Show every rule; an unknown rule is the WAF 404.
	for _, r := range all {
		res, err := c.ShowWebProtectionRule(&wm.ShowWebProtectionRuleRequest{RuleId: *r.Id})
		if err != nil {
			t.Fatalf("ShowWebProtectionRule(%s): %v", *r.Id, err)
		}
		if *res.Id != *r.Id || *res.Description != *r.Description || res.RiskLevel.Value() != r.RiskLevel.Value() ||
			*res.ProtectionType != *r.ProtectionType || *res.ApplicationType != *r.ApplicationType || *res.CveNumber != *r.CveNumber {
			t.Errorf("show %s = %s, listed as %s", *r.Id, res, r)
		}
	}
	_, err = c.ShowWebProtectionRule(&wm.ShowWebProtectionRuleRequest{RuleId: "999999"})
	WantServiceError(t, err, 404, "WAF.00022001")

	// The protection and application types the rules use.
	pt, err := c.ConfirmProtectionTypes(&wm.ConfirmProtectionTypesRequest{})
	if err != nil || pt.Items == nil || !slices.Equal(*pt.Items, types) || *pt.Total != int32(len(types)) {
		t.Fatalf("ConfirmProtectionTypes: %v, %v", pt, err)
	}
	at, err := c.ConfirmApplicationTypes(&wm.ConfirmApplicationTypesRequest{Limit: ptr(int32(1000))})
	if err != nil || at.Items == nil || !slices.Contains(*at.Items, "PHP") || int(*at.Total) != len(*at.Items) {
		t.Fatalf("ConfirmApplicationTypes: %v, %v", at, err)
	}
	for _, r := range all {
		if !slices.Contains(*at.Items, firstApplicationType(*r.ApplicationType)) {
			t.Errorf("rule %s has application type %q, which ConfirmApplicationTypes does not list", *r.Id, *r.ApplicationType)
		}
	}
	_, err = c.ConfirmApplicationTypes(&wm.ConfirmApplicationTypesRequest{Limit: ptr(int32(0))})
	WantServiceError(t, err, 400, "WAF.00021020")

	// Vulnerability notifications name rules that protect against them.
	vulns, err := c.ListVulnRules(&wm.ListVulnRulesRequest{Limit: ptr(int32(100))})
	if err != nil || vulns.Body == nil || len(*vulns.Body) == 0 {
		t.Fatalf("ListVulnRules: %v, %v", vulns, err)
	}
	for _, v := range *vulns.Body {
		if v.VulnerabilityId == nil || v.RuleIds == nil || len(*v.RuleIds) == 0 || v.Description == nil || *v.Description == "" {
			t.Fatalf("notification %s", v)
		}
		for _, id := range *v.RuleIds {
			res, err := c.ShowWebProtectionRule(&wm.ShowWebProtectionRuleRequest{RuleId: id})
			if err != nil || *res.CveNumber != *v.VulnerabilityId {
				t.Errorf("notification %s names rule %s: %v, %v", *v.VulnerabilityId, id, res, err)
			}
		}
	}
}

// firstApplicationType is the first of a rule's comma-separated
// application types.
func firstApplicationType(s string) string {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i]
		}
	}
	return s
}
