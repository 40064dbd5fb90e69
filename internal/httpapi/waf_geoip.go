package httpapi

import (
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafGeoIPJSON is a geolocation rule as the create, show, delete and list
// operations return it.
type wafGeoIPJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	PolicyID    string   `json:"policyid"`
	Geoip       string   `json:"geoip"`
	White       int      `json:"white"`
	Status      int      `json:"status"`
	IPType      string   `json:"ip_type,omitempty"`
	Description string   `json:"description"`
	Timestamp   int64    `json:"timestamp"`
	GeoTagList  []string `json:"geoTagList"`
}

func geoipJSON(r *waf.GeoIPRule) wafGeoIPJSON {
	tags := r.Codes
	if tags == nil {
		tags = []string{}
	}
	return wafGeoIPJSON{ID: r.ID, Name: r.Name, PolicyID: r.PolicyID, Geoip: r.Geoip, White: r.White, Status: r.Status,
		IPType: r.IPType, Description: r.Description, Timestamp: r.CreatedAt.UnixMilli(), GeoTagList: tags}
}

// wafGeoIPBody is the body of geolocation rule writes.
type wafGeoIPBody struct {
	Name          *string             `json:"name"`
	Geoip         *string             `json:"geoip"`
	White         *int                `json:"white"`
	Status        *int                `json:"status"`
	IPType        *string             `json:"ip_type"`
	Description   *string             `json:"description"`
	PolicyIDs     []string            `json:"policy_ids"`
	PolicyRuleIDs []policyRuleIDsJSON `json:"policy_rule_ids"`
}

func (b *wafGeoIPBody) change() *waf.GeoIPRuleChange {
	return &waf.GeoIPRuleChange{Name: b.Name, Geoip: b.Geoip, White: b.White, Status: b.Status, IPType: b.IPType, Description: b.Description}
}

// handleWAFGeoIPCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/geoip (CreateGeoipRule).
func (s *server) handleWAFGeoIPCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep, err := wafEP(r, true)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafGeoIPBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		b.IPType = nil // only the batch create carries ip_type
		rules, err := s.waf.CreateGeoIPRules(r.Context(), r.PathValue("project_id"), ep, []string{r.PathValue("policy_id")}, b.change())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, geoipJSON(rules[0]))
	})
}

// handleWAFGeoIPBatchCreate serves POST /v1/{project_id}/waf/rule/geoip (BatchCreateGeoIpRule).
func (s *server) handleWAFGeoIPBatchCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep, err := wafEP(r, true)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafGeoIPBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		b.Status = nil
		rules, err := s.waf.CreateGeoIPRules(r.Context(), r.PathValue("project_id"), ep, b.PolicyIDs, b.change())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, geoipJSON(rules[0]))
	})
}

// handleWAFGeoIPList serves GET /v1/{project_id}/waf/policy/{policy_id}/geoip (ListGeoipRule).
func (s *server) handleWAFGeoIPList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.listGeoIP(w, r, []string{r.PathValue("policy_id")}, 10, 100)
	})
}

// handleWAFGeoIPPolicyRules serves GET /v1/{project_id}/waf/rule/geoip (ListGeoIpPolicyRules).
func (s *server) handleWAFGeoIPPolicyRules() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.listGeoIP(w, r, wafPolicyIDsQuery(r), 1000, 1000)
	})
}

func (s *server) listGeoIP(w http.ResponseWriter, r *http.Request, policyIDs []string, def, max int) {
	if _, err := wafEP(r, false); err != nil {
		s.wafFail(w, r, err)
		return
	}
	page, err := wafRulePage(r, def, max)
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	rules, total, err := s.waf.FindGeoIPRules(r.Context(), waf.RuleFilter{ProjectID: r.PathValue("project_id"),
		PolicyIDs: policyIDs, Page: page}, r.PathValue("policy_id") != "")
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	encode(w, http.StatusOK, newList(total, rules, geoipJSON))
}

// handleWAFGeoIPShow serves GET /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id} (ShowGeoipRule).
func (s *server) handleWAFGeoIPShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, false); err != nil {
			s.wafFail(w, r, err)
			return
		}
		rule, err := s.waf.FindGeoIPRule(r.Context(), r.PathValue("project_id"), r.PathValue("policy_id"), r.PathValue("rule_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, geoipJSON(rule))
	})
}

// handleWAFGeoIPUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id} (UpdateGeoipRule).
func (s *server) handleWAFGeoIPUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafGeoIPBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		if b.Geoip == nil {
			s.wafFail(w, r, rampartInvalid(waf.CodeBody, "geoip", "geoip is mandatory."))
			return
		}
		if b.White == nil {
			s.wafFail(w, r, rampartInvalid(waf.CodeAction, "white", "white is mandatory."))
			return
		}
		b.Status, b.IPType = nil, nil
		ids, err := wafPathIDs(r, "policy_id", "rule_id")
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		rules, err := s.waf.UpdateGeoIPRules(r.Context(), r.PathValue("project_id"),
			[]waf.PolicyRuleIDs{{PolicyID: ids[0], RuleIDs: []string{ids[1]}}}, b.change())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, geoipJSON(rules[0]))
	})
}

// handleWAFGeoIPBatchUpdate serves POST /v1/{project_id}/waf/rule/geoip/batch-update (BatchUpdateGeoipRules).
func (s *server) handleWAFGeoIPBatchUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafGeoIPBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		b.IPType = nil
		if _, err := s.waf.UpdateGeoIPRules(r.Context(), r.PathValue("project_id"), toPolicyRuleIDs(b.PolicyRuleIDs), b.change()); err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, batchRuleIDsResponse(b.PolicyRuleIDs))
	})
}

// handleWAFGeoIPDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id} (DeleteGeoipRule).
func (s *server) handleWAFGeoIPDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		rule, err := s.waf.DeleteGeoIPRule(r.Context(), r.PathValue("project_id"), r.PathValue("policy_id"), r.PathValue("rule_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, geoipJSON(rule))
	})
}

// handleWAFGeoIPMap serves GET /v1/{project_id}/waf/tag/geoip/map (ShowPolicyGeoipMap).
func (s *server) handleWAFGeoIPMap() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		if lang != "" && lang != "cn" && lang != "en" {
			s.wafFail(w, r, rampartInvalid(waf.CodeURLParam, "lang", "lang must be cn or en, not "+quote(lang)+"."))
			return
		}
		m := waf.GeoipMap(lang)
		encode(w, http.StatusOK, map[string]any{"continent": m.Continent, "geomap": m.Geomap, "locale": m.Locale})
	})
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
