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
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafGeoIPBody) (any, error) {
		b.IPType = nil // only the batch create carries ip_type
		return wafAsFirst(geoipJSON)(s.waf.CreateGeoIPRules(q.ctx, q.project, q.ep, []string{q.r.PathValue("policy_id")}, b.change()))
	})
}

// handleWAFGeoIPBatchCreate serves POST /v1/{project_id}/waf/rule/geoip (BatchCreateGeoIpRule).
func (s *server) handleWAFGeoIPBatchCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafGeoIPBody) (any, error) {
		b.Status = nil
		return wafAsFirst(geoipJSON)(s.waf.CreateGeoIPRules(q.ctx, q.project, q.ep, b.PolicyIDs, b.change()))
	})
}

// handleWAFGeoIPList serves GET /v1/{project_id}/waf/policy/{policy_id}/geoip (ListGeoipRule).
func (s *server) handleWAFGeoIPList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listGeoIP(q, []string{q.r.PathValue("policy_id")}, 10, 100)
	})
}

// handleWAFGeoIPPolicyRules serves GET /v1/{project_id}/waf/rule/geoip (ListGeoIpPolicyRules).
func (s *server) handleWAFGeoIPPolicyRules() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listGeoIP(q, wafPolicyIDsQuery(q.r), 1000, 1000)
	})
}

func (s *server) listGeoIP(q *wafRequest, policyIDs []string, def, max int) (any, error) {
	page, err := wafRulePage(q.r, def, max)
	if err != nil {
		return nil, err
	}
	rules, total, err := s.waf.FindGeoIPRules(q.ctx, waf.RuleFilter{ProjectID: q.project,
		PolicyIDs: policyIDs, Page: page}, q.r.PathValue("policy_id") != "")
	if err != nil {
		return nil, err
	}
	return newList(total, rules, geoipJSON), nil
}

// handleWAFGeoIPShow serves GET /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id} (ShowGeoipRule).
func (s *server) handleWAFGeoIPShow() http.Handler {
	return wafServeRule(s, wafReadEP, (*waf.Service).FindGeoIPRule, geoipJSON)
}

// handleWAFGeoIPUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id} (UpdateGeoipRule).
func (s *server) handleWAFGeoIPUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafGeoIPBody) (any, error) {
		if b.Geoip == nil {
			return nil, rampartInvalid(waf.CodeBody, "geoip", "geoip is mandatory.")
		}
		if b.White == nil {
			return nil, rampartInvalid(waf.CodeAction, "white", "white is mandatory.")
		}
		b.Status, b.IPType = nil, nil
		ids, err := wafPathRule(q.r)
		if err != nil {
			return nil, err
		}
		return wafAsFirst(geoipJSON)(s.waf.UpdateGeoIPRules(q.ctx, q.project, ids, b.change()))
	})
}

// handleWAFGeoIPBatchUpdate serves POST /v1/{project_id}/waf/rule/geoip/batch-update (BatchUpdateGeoipRules).
func (s *server) handleWAFGeoIPBatchUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafGeoIPBody) (any, error) {
		b.IPType = nil
		_, err := s.waf.UpdateGeoIPRules(q.ctx, q.project, toPolicyRuleIDs(b.PolicyRuleIDs), b.change())
		return wafEcho(b.PolicyRuleIDs, err)
	})
}

// handleWAFGeoIPDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id} (DeleteGeoipRule).
func (s *server) handleWAFGeoIPDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeleteGeoIPRule, geoipJSON)
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
