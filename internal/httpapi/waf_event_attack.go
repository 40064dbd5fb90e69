package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafSourceIPJSON is a SourceIpTopListInfoItems.
type wafSourceIPJSON struct {
	IP  string `json:"ip"`
	Num int64  `json:"num"`
}

// handleWAFAttackSources serves GET /v1/{project_id}/waf/event/attack/source
// (ListSourceIpTop5): the client addresses with the most protection
// events.
func (s *server) handleWAFAttackSources() http.Handler {
	return s.wafDashboardServe(waf.ParamRecent|waf.ParamTop, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		groups, err := s.wafDashboard.TopEvents(q.ctx, d, waf.EventFieldClientIP, 0)
		if err != nil {
			return nil, err
		}
		return newList(len(groups), groups, func(c waf.EventCount) wafSourceIPJSON { return wafSourceIPJSON{IP: c.Key, Num: c.Num} }), nil
	})
}

// wafThreatFields maps the fields of ListThreats to the attack types they
// count; the fields of modules Rampart does not have (antileakage,
// antitamper, the LLM ones) are always 0.
var wafThreatFields = map[string][]string{
	"xss": {"xss"}, "sqli": {"sqli"}, "cmdi": {"cmdi"}, "lfi": {"lfi"}, "rfi": {"rfi"}, "webshell": {"webshell"},
	"robot": {"robot"}, "cc": {"cc"}, "custom": {"custom_custom"}, "whiteblackip": {"custom_whiteblackip"},
	"antileakage": nil, "antitamper": nil, "llm_prompt_injection": nil, "llm_prompt_sensitive": nil, "llm_response_sensitive": nil,
}

// handleWAFAttackTypes serves GET /v1/{project_id}/waf/event/attack/type
// (ListThreats): the protection events per attack type.
func (s *server) handleWAFAttackTypes() http.Handler {
	return s.wafDashboardServe(waf.ParamRecent, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		d.Top = 0 // every attack type
		groups, err := s.wafDashboard.TopEvents(q.ctx, d, waf.EventFieldAttack, 0)
		if err != nil {
			return nil, err
		}
		byAttack := map[string]int64{}
		for _, g := range groups {
			byAttack[g.Key] = g.Num
		}
		out := make(map[string]int64, len(wafThreatFields))
		for field, attacks := range wafThreatFields {
			out[field] = 0
			for _, a := range attacks {
				out[field] += byAttack[a]
			}
		}
		return out, nil
	})
}
