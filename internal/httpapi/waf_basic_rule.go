package httpapi

import (
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafBasicRuleJSON is a built-in rule as ListWebBasicProtectionRules and
// ShowWebProtectionRule return it. application_type is one string in
// Huawei's model: a rule about several applications lists them
// comma-separated.
type wafBasicRuleJSON struct {
	ID              string `json:"id"`
	Description     string `json:"description"`
	CVENumber       string `json:"cve_number"`
	RiskLevel       int    `json:"risk_level"`
	ApplicationType string `json:"application_type"`
	ProtectionType  string `json:"protection_type"`
	EffectiveTime   int64  `json:"effective_time"`
	CreateTime      int64  `json:"create_time"`
	UpdateTime      int64  `json:"update_time"`
}

func basicRuleJSON(r waf.BasicRule) wafBasicRuleJSON {
	return wafBasicRuleJSON{ID: r.ID, Description: r.Description, CVENumber: r.CVENumber, RiskLevel: r.RiskLevel,
		ApplicationType: strings.Join(r.ApplicationTypes, ","), ProtectionType: r.ProtectionType,
		EffectiveTime: r.Effective.UnixMilli(), CreateTime: r.Created.UnixMilli(), UpdateTime: r.Updated.UnixMilli()}
}

// wafVulnerabilityJSON is a vulnerability notification of ListVulnRules.
type wafVulnerabilityJSON struct {
	VulnerabilityID string   `json:"vulnerability_id"`
	Description     string   `json:"description"`
	RuleIDs         []string `json:"rule_ids"`
	CreateTime      int64    `json:"create_time"`
}

// handleWAFBasicRuleList serves GET /v1/{project_id}/waf/policy/basic-protection/default-rules (ListWebBasicProtectionRules).
func (s *server) handleWAFBasicRuleList() http.Handler {
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		f, err := waf.ParseBasicRuleQuery(q.r.URL.Query())
		if err != nil {
			return nil, err
		}
		rules, total := waf.BuiltinRuleCatalogue().FindBasicRules(f)
		return newList(total, rules, basicRuleJSON), nil
	})
}

// handleWAFBasicRuleShow serves GET /v1/{project_id}/waf/web-protection-rules/{rule_id} (ShowWebProtectionRule).
func (s *server) handleWAFBasicRuleShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return wafAs(basicRuleJSON)(waf.BuiltinRuleCatalogue().FindBasicRule(q.r.PathValue("rule_id")))
	})
}

// handleWAFProtectionTypes serves GET /v1/{project_id}/waf/rules/protection-types (ConfirmProtectionTypes).
func (s *server) handleWAFProtectionTypes() http.Handler {
	return s.wafCatalogueNames(0, (*waf.RuleCatalogue).ProtectionTypes)
}

// handleWAFApplicationTypes serves GET /v1/{project_id}/waf/rules/application-types (ConfirmApplicationTypes).
// Its offset counts from 1, as the SDK's model says.
func (s *server) handleWAFApplicationTypes() http.Handler {
	return s.wafCatalogueNames(1, (*waf.RuleCatalogue).ApplicationTypes)
}

// wafCatalogueNames serves a {total, items} list of names of the built-in
// catalogue, paged by offset (counting from first) and limit.
func (s *server) wafCatalogueNames(first int, names func(*waf.RuleCatalogue, waf.Page) ([]string, int)) http.Handler {
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		v := q.r.URL.Query()
		page, err := waf.ParseCataloguePage(v.Get("offset"), v.Get("limit"), first)
		if err != nil {
			return nil, err
		}
		items, total := names(waf.BuiltinRuleCatalogue(), page)
		return newList(total, items, func(n string) string { return n }), nil
	})
}

// handleWAFVulnerabilityList serves GET /v1/{project_id}/waf/vulnerability/notification (ListVulnRules):
// a bare array, as the SDK reads it.
func (s *server) handleWAFVulnerabilityList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		v := q.r.URL.Query()
		page, err := waf.ParseCataloguePage(v.Get("offset"), v.Get("limit"), 0)
		if err != nil {
			return nil, err
		}
		window, err := waf.ParseTimeWindow(v.Get("from"), v.Get("to"))
		if err != nil {
			return nil, err
		}
		out := []wafVulnerabilityJSON{}
		for _, vu := range waf.BuiltinRuleCatalogue().FindVulnerabilities(window, page) {
			out = append(out, wafVulnerabilityJSON{VulnerabilityID: vu.ID, Description: vu.Description, RuleIDs: vu.RuleIDs, CreateTime: vu.Created.UnixMilli()})
		}
		return out, nil
	})
}
