package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafPunishmentJSON is a known-attack-source rule as every punishment
// operation returns it.
type wafPunishmentJSON struct {
	ID          string `json:"id"`
	PolicyID    string `json:"policyid"`
	Category    string `json:"category"`
	BlockTime   int    `json:"block_time"`
	TimeUnit    string `json:"time_unit"`
	Description string `json:"description"`
	Timestamp   int64  `json:"timestamp"`
}

func punishmentJSON(r *waf.PunishmentRule) wafPunishmentJSON {
	return wafPunishmentJSON{ID: r.ID, PolicyID: r.PolicyID, Category: r.Category, BlockTime: r.BlockTime,
		TimeUnit: r.TimeUnit, Description: r.Description, Timestamp: r.CreatedAt.UnixMilli()}
}

// wafPunishmentBody is the body of known-attack-source rule writes.
type wafPunishmentBody struct {
	Category    *string `json:"category"`
	TimeUnit    *string `json:"time_unit"`
	BlockTime   *int    `json:"block_time"`
	Description *string `json:"description"`
}

func (b *wafPunishmentBody) input() *waf.PunishmentRuleInput {
	return &waf.PunishmentRuleInput{Category: b.Category, TimeUnit: b.TimeUnit, BlockTime: b.BlockTime, Description: b.Description}
}

// handleWAFPunishmentCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/punishment (CreatePunishmentRule).
func (s *server) handleWAFPunishmentCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafPunishmentBody) (any, error) {
		return wafAs(punishmentJSON)(s.waf.CreatePunishmentRule(q.ctx, q.project, q.ep, q.r.PathValue("policy_id"), b.input()))
	})
}

// handleWAFPunishmentList serves GET /v1/{project_id}/waf/policy/{policy_id}/punishment (ListPunishmentRules).
func (s *server) handleWAFPunishmentList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		page, err := wafListPage(q.r, 1000, 1000)
		if err != nil {
			return nil, err
		}
		rules, total, err := s.waf.FindPunishmentRules(q.ctx, waf.RuleFilter{ProjectID: q.project,
			PolicyIDs: []string{q.r.PathValue("policy_id")}, Page: page}, true)
		if err != nil {
			return nil, err
		}
		return newList(total, rules, punishmentJSON), nil
	})
}

// handleWAFPunishmentShow serves GET /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id} (ShowPunishmentRule).
func (s *server) handleWAFPunishmentShow() http.Handler {
	return wafServeRule(s, wafReadEP, (*waf.Service).FindPunishmentRule, punishmentJSON)
}

// handleWAFPunishmentUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id} (UpdatePunishmentRule).
func (s *server) handleWAFPunishmentUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafPunishmentBody) (any, error) {
		return wafAs(punishmentJSON)(s.waf.UpdatePunishmentRule(q.ctx, q.project, q.r.PathValue("policy_id"),
			q.r.PathValue("rule_id"), b.input()))
	})
}

// handleWAFPunishmentDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id} (DeletePunishmentRule).
func (s *server) handleWAFPunishmentDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeletePunishmentRule, punishmentJSON)
}
